using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SmartAudit.Kafka;

/// <summary>
/// Health of the Kafka decision log: Healthy while records go straight to the cluster, Degraded (never
/// Unhealthy: no request fails because of it) while they go to the disk spool, with the spool's size.
/// grpc.health.v1 keeps answering SERVING for Degraded; the detail is in the report and in the log.
/// </summary>
internal sealed class KafkaDecisionLogHealthCheck(KafkaDecisionLog log) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["spooling"] = log.IsSpooling,
            ["spooledRecords"] = log.SpooledRecords,
            ["queuedRecords"] = log.QueuedRecords,
            ["deliveredRecords"] = log.DeliveredRecords,
            ["possiblyDuplicatedRecords"] = log.PossiblyDuplicatedRecords,
        };
        return Task.FromResult(log.IsSpooling
            ? HealthCheckResult.Degraded($"{KafkaDecisionLog.SpoolingReason}: {log.SpooledRecords} records in {log.SpoolPath}, replayed in order when the cluster is back", data: data)
            : HealthCheckResult.Healthy("decision log producing to Kafka", data));
    }
}
