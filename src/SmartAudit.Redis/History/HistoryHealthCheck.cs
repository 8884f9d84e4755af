using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SmartAudit.Redis.History;

/// <summary>
/// Health of the patient history in Redis: Degraded (still serving: answers that needed the history say
/// <c>degraded</c>) while Redis is unreachable or encounters wait in the backlog to be written back; never
/// Unhealthy, since no request fails for it.
/// </summary>
internal sealed class HistoryHealthCheck(RedisPatientHistoryStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = store.Backlog.Count;
        var dropped = store.DroppedEncounters;
        var data = new Dictionary<string, object> { ["connected"] = store.Connected, ["backlog"] = waiting, ["dropped"] = dropped };
        var problems = new List<string>();
        if (!store.Connected)
        {
            problems.Add("Redis unreachable: cross-visit and frequency rules answer degraded");
        }

        if (waiting > 0)
        {
            problems.Add($"{waiting} encounter(s) answered while Redis could not take them, waiting to be written back");
        }

        if (dropped > 0)
        {
            problems.Add($"{dropped} encounter(s) dropped with the backlog full since start (Redis:HistoryBacklogLimit)");
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("patient history in Redis", data)
            : HealthCheckResult.Degraded("patient history: " + string.Join("; ", problems), data: data));
    }
}
