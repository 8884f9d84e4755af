using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SmartAudit.Redis.History;

/// <summary>
/// Writes the history backlog (encounters answered while Redis could not take them) back to Redis every
/// <see cref="RedisOptions.HistoryReplayInterval"/> while it is not empty. Catches per round: nothing it meets
/// stops the host, and what it could not write waits for the next round.
/// </summary>
internal sealed partial class HistoryBacklogReplayer(RedisPatientHistoryStore store, IOptions<RedisOptions> options, ILogger<HistoryBacklogReplayer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HistoryReplayInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (store.Backlog.Count == 0)
                {
                    continue;
                }

                try
                {
                    var written = await store.ReplayBacklogAsync(stoppingToken);
                    if (written > 0)
                    {
                        LogReplayed(logger, written, store.Backlog.Count);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // per round, whatever it is: the next round tries again, and the host goes on
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogReplayFailed(logger, ex, store.Backlog.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: what is left is lost with the process, as the answers that left it out said
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "History backlog: {Written} encounters written back to Redis, {Left} waiting")]
    private static partial void LogReplayed(ILogger logger, int written, int left);

    [LoggerMessage(Level = LogLevel.Error, Message = "History backlog: a write-back round failed; {Left} encounters wait for the next")]
    private static partial void LogReplayFailed(ILogger logger, Exception exception, int left);
}
