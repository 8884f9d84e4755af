using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Audit;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// Runs <see cref="AuditWorkerOptions.Instances"/> audit workers in the host (the server, or
/// <c>smartaudit audit-worker</c>) until it stops, or until they have been idle for
/// <see cref="AuditWorkerOptions.StopWhenIdle"/>. A worker that fails (a topic missing) stops the others;
/// it stops the host too only with <see cref="AuditWorkerOptions.StopHostOnFailure"/>, so that a server's
/// gRPC service never goes down with its worker.
/// </summary>
public sealed partial class AuditWorkerService(
    IOptions<KafkaOptions> kafka,
    IOptions<AuditWorkerOptions> options,
    Auditor auditor,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly List<AuditWorker> _workers = [];

    public IReadOnlyList<AuditWorker> Workers => _workers;

    /// <summary>Why the workers have not started (no rule set at all yet), or null.</summary>
    public string? WaitingForRules => auditor.Rules.UnavailableReason;

    /// <summary>Why the workers stopped other than by being asked to; null while running or after a clean stop.</summary>
    public Exception? Failure { get; private set; }

    public override void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var logger = loggers.CreateLogger<AuditWorker>();
        if (!auditor.Rules.IsAvailable)
        {
            // No rule set at all yet: claims wait on their topic (nothing consumed, nothing committed) until one is loaded.
            LogWaitingForRules(logger, auditor.Rules.UnavailableReason ?? "");
            await auditor.Rules.WhenAvailable.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        var degradation = services.GetService<DegradedReasons>();
        for (var i = 1; i <= settings.Instances; i++)
        {
            _workers.Add(new AuditWorker(kafka.Value, settings, auditor, degradation, logger, settings.Instances == 1 ? "audit-worker" : $"audit-worker-{i}"));
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var runs = _workers.Select(w => Task.Run(() => w.RunAsync(idle.Token), CancellationToken.None)).ToList();
        var watch = settings.StopWhenIdle is { } quiet ? WatchIdleAsync(quiet, idle, stoppingToken) : Task.CompletedTask;
        try
        {
            await Task.WhenAll(runs);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failure = ex;
            LogFailed(logger, ex);
            await idle.CancelAsync();
            if (settings.StopHostOnFailure)
            {
                lifetime.StopApplication();
            }
        }

        await watch;
    }

    /// <summary>Stops the workers and the host once every worker has consumed nothing for <paramref name="quiet"/>.</summary>
    private async Task WatchIdleAsync(TimeSpan quiet, CancellationTokenSource idle, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(quiet.TotalMilliseconds / 4, 10, 1000)));
        try
        {
            while (await timer.WaitForNextTickAsync(idle.Token))
            {
                if (_workers.All(w => w.Stats.Idle >= quiet))
                {
                    await idle.CancelAsync();
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested || stoppingToken.IsCancellationRequested)
        {
            // stopped meanwhile
        }
    }

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Audit worker waiting for a rule set before it consumes claims: {Reason}")]
    private static partial void LogWaitingForRules(ILogger logger, string reason);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Critical, Message = "Audit worker failed; the POST-stage audit has stopped")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>Composition of the POST-stage audit worker, one call from the host.</summary>
public static class AuditWorkerExtensions
{
    /// <summary>
    /// The audit worker (section <c>AuditWorker</c>) as a hosted service, on the cluster of section <c>Kafka</c>
    /// (registered by <see cref="KafkaDecisionLogExtensions.AddKafkaDecisionLog"/>). Needs an <see cref="Auditor"/>.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaAuditWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuditWorkerOptions>()
            .BindConfiguration(AuditWorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditWorkerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditWorkerService>());
        builder.Services.AddHealthChecks().AddCheck<AuditWorkerHealthCheck>("audit-worker");
        return builder;
    }
}

/// <summary>
/// Health of the POST-stage audit: Degraded (with the reason) once the workers have failed, Healthy
/// otherwise, with the claims audited so far. Never Unhealthy: the server's audit of requests is unaffected.
/// </summary>
internal sealed class AuditWorkerHealthCheck(AuditWorkerService service) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var totals = AuditWorkerTotals.Of(service.Workers.Select(w => w.Stats));
        var data = new Dictionary<string, object> { ["claims"] = totals.Claims, ["cases"] = totals.Cases, ["rejected"] = totals.Rejected };
        return Task.FromResult((service.Failure, service.WaitingForRules) switch
        {
            ({ } failure, _) => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded($"POST-stage audit stopped: {failure.Message}", data: data),
            (null, { } waiting) => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded($"POST-stage audit waiting for a rule set: {waiting}", data: data),
            _ => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy($"POST-stage audit: {totals}", data),
        });
    }
}
