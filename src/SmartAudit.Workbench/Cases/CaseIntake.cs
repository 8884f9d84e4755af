using System.Threading.Channels;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Workbench.Cases;

/// <summary>
/// The embedded case intake: the decision log, plus every decision <see cref="CasePolicy"/> says is a case handed to
/// the case store off the request path (a bounded queue read by <see cref="CaseIntakeService"/>). With Kafka,
/// cases come from the topics instead, so that every instance and every rebuild sees the same cases.
/// </summary>
internal sealed class CaseRaisingDecisionLog(IDecisionLog inner, CasePolicy policy, CaseIntakeQueue queue) : IDecisionLog
{
    public void Append(Decision decision)
    {
        inner.Append(decision);
        if (policy.Raises(decision))
        {
            queue.Offer(decision); // the case record is built off the request path, by the intake service
        }
    }

    /// <summary>Waits for the log underneath as it promises (written before the answer); the case is raised the same way.</summary>
    public ValueTask AppendAcknowledgedAsync(Decision decision)
    {
        var logged = inner.AppendAcknowledgedAsync(decision);
        if (policy.Raises(decision))
        {
            queue.Offer(decision);
        }

        return logged;
    }

    public void Append(Feedback feedback) => inner.Append(feedback);
}

/// <summary>Cases on their way to the store. Bounded: when the store falls far behind, new cases are counted and dropped (they stay in the decision log).</summary>
internal sealed partial class CaseIntakeQueue(ILogger<CaseIntakeQueue> logger)
{
    public const int Capacity = 100_000;
    private long _dropped;

    public Channel<Decision> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<Decision>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Offer(Decision decision)
    {
        if (!Channel.Writer.TryWrite(decision))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped == 1 || dropped % 1000 == 0)
            {
                LogDropped(logger, dropped);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case intake queue full: {Dropped} case(s) not added to the workbench so far (they remain in the decision log)")]
    private static partial void LogDropped(ILogger logger, long dropped);
}

/// <summary>
/// Moves queued cases into the store; a store that is down is retried, so no queued case is lost. A case that cannot
/// be built or that the store refuses for any other reason is set aside (logged by request id, counted in
/// <see cref="SetAside"/>; the decision stays in the decision log) and the next one goes on: one bad case must never
/// fault this service, which would stop the host.
/// </summary>
internal sealed partial class CaseIntakeService(CaseIntakeQueue queue, ICaseStore store, TimeSpan calendar, ILogger<CaseIntakeService> logger) : BackgroundService
{
    private long _setAside;

    /// <summary>Cases not added because building or storing them failed other than by the store being down.</summary>
    public long SetAside => Interlocked.Read(ref _setAside);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var decision in queue.Channel.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await AddAsync(decision, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // per case, whatever it is: the next case goes on, and the host with it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _setAside);
                LogSetAside(logger, decision.Request.RequestId, ex.GetType().Name, ex.Message);
            }
        }
    }

    private async Task AddAsync(Decision decision, CancellationToken stoppingToken)
    {
        var record = CaseRecord.From(DecisionRecord.From(decision), source: null, calendar);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AddAsync(record, stoppingToken);
                return;
            }
            catch (CaseStoreUnavailableException ex)
            {
                if (attempt == 1)
                {
                    LogStoreDown(logger, ex.Message);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case store unavailable, retrying the intake: {Reason}")]
    private static partial void LogStoreDown(ILogger logger, string reason);

    // The request id only: no patient identifiers in logs.
    [LoggerMessage(Level = LogLevel.Error, Message = "Case intake: the case of request {RequestId} was set aside ({ErrorType}: {Error}); it stays in the decision log, the intake goes on")]
    private static partial void LogSetAside(ILogger logger, string requestId, string errorType, string error);
}
