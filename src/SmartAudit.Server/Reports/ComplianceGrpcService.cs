using Confluent.Kafka;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SmartAudit.Kafka;
using SmartAudit.Kafka.Compliance;
using SmartAudit.Server.Grpc;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Reports;

/// <summary>
/// <c>smartaudit.v1.ReportService</c>: compliance figures computed from the Kafka topics on each call, the
/// same computation as <c>smartaudit report compliance</c>. Without Kafka: FAILED_PRECONDITION.
/// </summary>
[BindServiceMethod(typeof(Grpc.Wire.ReportServiceBinding), nameof(Grpc.Wire.ReportServiceBinding.BindService))]
internal sealed class ComplianceGrpcService(IServiceProvider services, IOptions<AuditOptions> options) : V1.ReportService.ReportServiceBase
{
    /// <summary>The longest period one call reads: a year (and a day, for a leap year).</summary>
    public const int MaxPeriodDays = 366;

    /// <summary>The longest follow-up window after the period: 30 days.</summary>
    public const int MaxFollowUpHours = 720;

    public override async Task<V1.ComplianceReport> Compliance(V1.ComplianceRequest request, ServerCallContext context)
    {
        var bounds = options.Value.Bounds;
        var from = ToDay(request.From, "from", bounds);
        var to = ToDay(request.To, "to", bounds);
        if (to < from)
        {
            throw RpcErrors.InvalidArgument("to", "is before from").ToRpcException();
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxPeriodDays)
        {
            throw RpcErrors.InvalidArgument("to", $"is {to.DayNumber - from.DayNumber + 1} days from from: one call covers at most {MaxPeriodDays} days").ToRpcException();
        }

        if (request.FollowUpHours is < 0 or > MaxFollowUpHours)
        {
            throw RpcErrors.InvalidArgument("follow_up_hours", $"is {request.FollowUpHours}: allowed 0 (the default, 24) to {MaxFollowUpHours}").ToRpcException();
        }

        var followUp = request.FollowUpHours == 0 ? ComplianceWindow.DefaultFollowUp : TimeSpan.FromHours(request.FollowUpHours);
        var reader = services.GetService<ComplianceReader>();
        if (reader is null)
        {
            RpcErrors.ThrowFailedPrecondition($"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}",
                "compliance figures are computed from the Kafka topics: this server logs decisions to a local file (set Kafka:BootstrapServers)");
        }

        ComplianceReport report;
        try
        {
            report = await reader.ReadAsync(ComplianceWindow.Days(from, to, options.Value.Offset, followUp), context.CancellationToken);
        }
        catch (KafkaException ex)
        {
            throw RpcErrors.Unavailable($"could not read the decision log topics: {ex.Error.Reason}");
        }

        return ComplianceMapper.ToWire(report);
    }

    private static DateOnly ToDay(Google.Type.Date? date, string field, Contracts.Mapping.RequestBounds bounds)
    {
        if (date is null || date.Year == 0 || !DateOnly.TryParseExact(
                $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
        {
            throw RpcErrors.InvalidArgument(field, "is missing or not a calendar date").ToRpcException();
        }

        if (day < bounds.FirstServiceDate || day > bounds.LastServiceDate)
        {
            throw RpcErrors.InvalidArgument(field, $"is {day:yyyy-MM-dd}: allowed {bounds.FirstServiceDate:yyyy-MM-dd} to {bounds.LastServiceDate:yyyy-MM-dd} (Audit:Bounds)").ToRpcException();
        }

        return day;
    }
}

/// <summary>The report to the wire.</summary>
internal static class ComplianceMapper
{
    public static V1.ComplianceReport ToWire(ComplianceReport report)
    {
        var wire = new V1.ComplianceReport
        {
            Total = Row(report.Total),
            DecisionsRead = report.Inputs.Decisions,
            PreDecisions = report.Inputs.PreDecisions,
            FeedbackRead = report.Inputs.Feedback,
            UnmatchedFeedback = report.Inputs.UnmatchedFeedback,
            Unreadable = report.Inputs.Unreadable,
        };
        wire.ByHospital.AddRange(report.ByHospital.Select(Row));
        wire.ByDepartment.AddRange(report.ByDepartment.Select(Row));
        wire.ByDoctor.AddRange(report.ByDoctor.Select(Row));
        wire.ByRule.AddRange(report.ByRule.Select(Row));
        return wire;
    }

    private static V1.ComplianceRow Row(ComplianceRow row)
    {
        var wire = new V1.ComplianceRow
        {
            Key = row.Key,
            Reminders = row.Reminders,
            Followed = row.Followed,
            FollowedInferred = row.FollowedInferred,
            Overridden = row.Overridden,
            Dismissed = row.Dismissed,
            NoResponse = row.NoResponse,
        };
        if (row.ComplianceRate is { } rate)
        {
            wire.ComplianceRate = rate;
        }

        foreach (var (reason, count) in row.OverridesByReason)
        {
            wire.OverridesByReason[reason] = count;
        }

        return wire;
    }
}
