using SmartAudit.Core.Decisions;
using SmartAudit.Embedded.Decisions;
using SmartAudit.Kafka;

namespace SmartAudit.Server.Decisions;

internal static class DecisionLogExtensions
{
    /// <summary>
    /// Kafka when <c>Kafka:BootstrapServers</c> is set (section <c>Kafka</c>); otherwise the embedded
    /// JSON-lines log, so the server runs with no Kafka at all.
    /// </summary>
    public static IHostApplicationBuilder AddDecisionLog(this IHostApplicationBuilder builder) =>
        string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"])
            ? builder.AddEmbeddedDecisionLog()
            : builder.AddKafkaDecisionLog();

    /// <summary>The embedded decision log: JSON lines appended to a local file (section <c>DecisionLog</c>).</summary>
    public static IHostApplicationBuilder AddEmbeddedDecisionLog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DecisionLogOptions>()
            .BindConfiguration(DecisionLogOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<JsonLinesDecisionLog>();
        builder.Services.AddSingleton<IDecisionLog>(sp => sp.GetRequiredService<JsonLinesDecisionLog>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JsonLinesDecisionLog>());
        builder.Services.AddHealthChecks().AddCheck<JsonLinesDecisionLogHealthCheck>("decision-log", failureStatus: null, tags: [Core.Audit.HealthTags.Audit]);
        return builder;
    }
}

/// <summary>
/// Health of the embedded decision log: Degraded while the file refuses writes (disk full, say) or the in-memory queue
/// is over 80% full (answers then wait for the writer, and may say "decision log behind"); records set aside or lost
/// since start are in the figures and the description. Never Unhealthy: no request fails for it.
/// </summary>
internal sealed class JsonLinesDecisionLogHealthCheck(JsonLinesDecisionLog log) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (queued, setAside, lost, failure) = (log.QueuedRecords, log.SetAsideRecords, log.LostRecords, log.FlushFailure);
        var data = new Dictionary<string, object>
        {
            ["path"] = log.FilePath,
            ["queuedRecords"] = queued,
            ["setAsideRecords"] = setAside,
            ["lostRecords"] = lost,
        };
        var notes = setAside + lost == 0 ? "" : $"; since start {setAside} record(s) set aside in {log.DeadLetterPath}, {lost} lost";
        var problems = new List<string>();
        if (failure is not null)
        {
            data["flushFailure"] = failure;
            problems.Add($"writing to the file fails: {failure}");
        }

        if (queued > log.QueueCapacity * 0.8)
        {
            problems.Add($"{queued} of {log.QueueCapacity} records waiting for the writer");
        }

        return Task.FromResult(problems.Count == 0
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy($"decision log {log.FilePath}{notes}", data)
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded($"decision log {log.FilePath}: {string.Join("; ", problems)}{notes}", data: data));
    }
}
