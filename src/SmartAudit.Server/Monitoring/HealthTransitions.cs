using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SmartAudit.Server.Monitoring;

/// <summary>
/// Runs with the health-check publisher (every 10 seconds): logs each component whose state changed (warning
/// when it becomes degraded, error when unhealthy, information when healthy again), and keeps the gauge
/// <c>smartaudit.health.state</c> (0 healthy, 1 degraded, 2 unhealthy) per component. A failing check is
/// the check's own result (unhealthy with its exception), never the publisher's.
/// </summary>
internal sealed partial class HealthTransitions : IHealthCheckPublisher
{
    public const string MeterName = "SmartAudit.Server";

    private readonly ConcurrentDictionary<string, HealthStatus> _last = new(StringComparer.Ordinal);
    private readonly ILogger<HealthTransitions> _logger;

    public HealthTransitions(IMeterFactory meters, ILogger<HealthTransitions> logger)
    {
        _logger = logger;
        meters.Create(MeterName).CreateObservableGauge("smartaudit.health.state",
            () => _last.Select(c => new Measurement<int>(Level(c.Value), new KeyValuePair<string, object?>("component", c.Key))),
            description: "Each component's health at the last check: 0 healthy, 1 degraded, 2 unhealthy");
    }

    /// <summary>The state each component had at the last publication.</summary>
    public IReadOnlyDictionary<string, HealthStatus> Last => _last;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var before = _last.TryGetValue(name, out var known) ? known : HealthStatus.Healthy;
            _last[name] = entry.Status;
            if (before == entry.Status)
            {
                continue;
            }

            var description = entry.Description ?? entry.Exception?.Message ?? "";
            switch (entry.Status)
            {
                case HealthStatus.Unhealthy:
                    LogUnhealthy(_logger, name, description);
                    break;
                case HealthStatus.Degraded:
                    LogDegraded(_logger, name, description);
                    break;
                default:
                    LogHealthy(_logger, name, before.ToString(), description);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static int Level(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => 0,
        HealthStatus.Degraded => 1,
        _ => 2,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Health: {Component} is unhealthy (NOT_SERVING): {Description}")]
    private static partial void LogUnhealthy(ILogger logger, string component, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: {Component} is degraded: {Description}")]
    private static partial void LogDegraded(ILogger logger, string component, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: {Component} is healthy again (was {Before}): {Description}")]
    private static partial void LogHealthy(ILogger logger, string component, string before, string description);
}
