using System.Collections;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmartAudit.Core.Audit;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Monitoring;

/// <summary><c>smartaudit.v1.StatusService</c>: every health check, run now, with its state, description and figures.</summary>
[BindServiceMethod(typeof(Grpc.Wire.StatusServiceBinding), nameof(Grpc.Wire.StatusServiceBinding.BindService))]
internal sealed class StatusGrpcService(HealthCheckService health, IHealthCheckPublisher transitions, TimeProvider clock) : V1.StatusService.StatusServiceBase
{
    public override async Task<V1.StatusReport> GetStatus(V1.StatusRequest request, ServerCallContext context)
    {
        var report = await health.CheckHealthAsync(context.CancellationToken);
        await transitions.PublishAsync(report, context.CancellationToken); // a state seen here is logged now, not at the next tick
        var answer = new V1.StatusReport { State = State(report.Status), CheckedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) };
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var component = new V1.ComponentStatus
            {
                Name = name,
                State = State(entry.Status),
                Description = entry.Description ?? entry.Exception?.Message ?? "",
                Audit = entry.Tags.Contains(HealthTags.Audit),
                DurationMs = entry.Duration.TotalMilliseconds,
            };
            foreach (var (key, value) in entry.Data)
            {
                component.Data[key] = Text(value);
            }

            answer.Components.Add(component);
        }

        return answer;
    }

    private static V1.ComponentState State(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => V1.ComponentState.Healthy,
        HealthStatus.Degraded => V1.ComponentState.Degraded,
        _ => V1.ComponentState.Unhealthy,
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join("; ", items.Cast<object?>().Select(Text)),
        _ => value.ToString() ?? "",
    };
}
