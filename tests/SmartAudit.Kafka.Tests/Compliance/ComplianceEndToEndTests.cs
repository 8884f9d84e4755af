using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;
using static SmartAudit.Kafka.Tests.ConsumedRecords;

namespace SmartAudit.Kafka.Tests.Compliance;

/// <summary>Orders, feedback and a changed order through the real server; figures back from ReportService, read from the topics.</summary>
public class ComplianceEndToEndTests
{
    private const string Flagged = "XG04CBF036A001"; // finasteride: men only, the patients here are women (GZ-SEX-001)
    private const string Fine = "XB05BBN001A001";

    [Fact]
    public async Task Compliance_RemindersFeedbackAndAChangedOrder_FiguresFromTheTopics()
    {
        await using var harness = new KafkaLogHarness();
        var host = await AuditServerHost.StartAsync(
        [
            $"Kafka:BootstrapServers={harness.Cluster.BootstrapServers}",
            $"Kafka:SpoolPath={harness.SpoolPath}",
        ]);
        try
        {
            var client = host.Client;
            await client.CheckAsync(Order("R1", "E1", "H1", WireOrders.Line(Flagged, "1"), WireOrders.Line(Fine, "2")));
            await client.CheckAsync(Order("R2", "E1", "H1", WireOrders.Line(Fine, "2"))); // sent again without the flagged line
            await client.CheckAsync(Order("R3", "E2", "H1", WireOrders.Line(Flagged, "1")));
            await client.CheckAsync(Order("R4", "E3", "H1", WireOrders.Line(Flagged, "1")));
            await client.CheckAsync(Order("R5", "E4", "H2", WireOrders.Line(Flagged, "1")));
            await client.RecordFeedbackAsync(new FeedbackRequest
            {
                RequestId = "R3", RuleId = "GZ-SEX-001", Kind = FeedbackKind.Overridden, OverrideReason = OverrideReason.Emergency,
            });
            await client.RecordFeedbackAsync(new FeedbackRequest { RequestId = "R5", RuleId = "GZ-SEX-001", Kind = FeedbackKind.Changed });
            var log = host.Services.GetRequiredService<KafkaDecisionLog>();
            await Eventually(() => log.DeliveredRecords == 7, "decisions and feedback are on the topics");

            var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
            var report = await new ReportService.ReportServiceClient(host.Channel).ComplianceAsync(new ComplianceRequest
            {
                From = Date(today.AddDays(-1)),
                To = Date(today),
            });

            var total = report.Total;
            Assert.Equal((4L, 2L, 1L, 1L, 0L, 1L), (total.Reminders, total.Followed, total.FollowedInferred, total.Overridden, total.Dismissed, total.NoResponse));
            Assert.Equal(0.5, total.ComplianceRate);
            Assert.Equal(1, total.OverridesByReason["EMERGENCY"]);
            Assert.Equal([("H1", 3L, 1L), ("H2", 1L, 1L)], report.ByHospital.Select(r => (r.Key, r.Reminders, r.Followed)));
            Assert.Equal(("GZ-SEX-001", 4L), (report.ByRule.Single().Key, report.ByRule.Single().Reminders));
            Assert.Equal(("D001", 4L), (report.ByDoctor.Single().Key, report.ByDoctor.Single().Reminders));
            Assert.Equal((5L, 5L, 2L, 0L), (report.DecisionsRead, report.PreDecisions, report.FeedbackRead, report.UnmatchedFeedback));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Compliance_ServerWithoutKafka_FailedPreconditionNamingTheSetting()
    {
        var host = await AuditServerHost.StartAsync();
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await new ReportService.ReportServiceClient(host.Channel)
                .ComplianceAsync(new ComplianceRequest { From = Date(new DateOnly(2026, 3, 1)), To = Date(new DateOnly(2026, 3, 31)) }));

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains("Kafka:BootstrapServers", error.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Compliance_ToBeforeFrom_InvalidArgument()
    {
        await using var harness = new KafkaLogHarness();
        var host = await AuditServerHost.StartAsync([$"Kafka:BootstrapServers={harness.Cluster.BootstrapServers}", $"Kafka:SpoolPath={harness.SpoolPath}"]);
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await new ReportService.ReportServiceClient(host.Channel)
                .ComplianceAsync(new ComplianceRequest { From = Date(new DateOnly(2026, 3, 31)), To = Date(new DateOnly(2026, 3, 1)) }));

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static CheckRequest Order(string requestId, string encounter, string hospital, params OrderLine[] lines)
    {
        var request = WireOrders.Request(requestId, Stage.Pre, Sex.Female, lines);
        request.Encounter.Id = encounter;
        request.Encounter.HospitalId = hospital;
        return request;
    }

    private static Google.Type.Date Date(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };
}
