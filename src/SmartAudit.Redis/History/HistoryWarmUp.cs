using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SmartAudit.Redis.History;

/// <summary>
/// Warms the history path before the server takes requests: the host runs every lifecycle service's
/// <see cref="StartingAsync"/> before it starts any hosted service, the web server's included, so no request
/// arrives before this is done. It waits for the connection (at most <see cref="RedisOptions.ConnectTimeout"/>
/// twice over) and makes each kind of round trip a request makes. If Redis does not answer, the server starts
/// anyway: requests are then answered degraded, as in any outage, and the warning says why.
/// </summary>
internal sealed partial class HistoryWarmUp(RedisPatientHistoryStore store, IConnectionMultiplexer redis, IOptions<RedisOptions> options,
    ILogger<HistoryWarmUp> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Value.ConnectTimeout * 2);
        try
        {
            while (!redis.IsConnected)
            {
                await Task.Delay(20, limit.Token);
            }

            await store.WarmUpAsync($"warm-up:{Environment.MachineName}:{Environment.ProcessId}", limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogNotWarm(logger, "Redis did not answer in time");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or Core.History.HistoryUnavailableException)
        {
            LogNotWarm(logger, ex.Message);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "History store not warmed up before start ({Reason}): first answers may be degraded until Redis answers")]
    private static partial void LogNotWarm(ILogger logger, string reason);
}
