using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Rules;
using StackExchange.Redis;

namespace SmartAudit.Redis.Rules;

/// <summary>
/// Keeps the server on its environment's active version: reloads as soon as an activation is announced
/// on the environment's channel, after every reconnection, and every <see cref="RedisOptions.RuleSetPollInterval"/>
/// as a safety net for an announcement missed while disconnected. One reload at a time, off the request
/// path; requests keep the snapshot they started with. No failure of a check stops it (or the host).
/// </summary>
internal sealed partial class RuleSetWatcher(
    IConnectionMultiplexer redis,
    RuleSetLoader loader,
    RuleSetStore store,
    ActiveRuleSet active,
    IOptions<RedisOptions> options,
    ILogger<RuleSetWatcher> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private bool _subscribed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            var interval = options.Value.RuleSetPollInterval;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SubscribeAsync();
                    await loader.CheckAsync(active, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever one check does wrong, it must not stop the host (a faulted background service
                    // does): the running set stays, and the next announcement or poll tries again.
                    LogCheckFailed(logger, ex);
                }

                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(interval);
                try
                {
                    await _wake.Reader.ReadAsync(poll.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the poll interval passed with no announcement: check anyway
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
            if (_subscribed)
            {
                await redis.GetSubscriber().UnsubscribeAsync(store.Keys.Activated(options.Value.Environment), OnActivated);
            }
        }
    }

    private async Task SubscribeAsync()
    {
        if (_subscribed)
        {
            return;
        }

        try
        {
            await redis.GetSubscriber().SubscribeAsync(store.Keys.Activated(options.Value.Environment), OnActivated);
            _subscribed = true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is down: the poll retries, and the loader reports the outage.
            LogSubscribeFailed(logger, ex.Message);
        }
    }

    private void OnActivated(RedisChannel channel, RedisValue contentHash) => _wake.Writer.TryWrite(true);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _wake.Writer.TryWrite(true);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the active rule-set version failed unexpectedly; the running set stays, the next check tries again")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscribing to rule-set activations failed, retrying on the next check: {Error}")]
    private static partial void LogSubscribeFailed(ILogger logger, string error);
}
