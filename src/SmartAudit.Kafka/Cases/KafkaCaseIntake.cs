using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;

namespace SmartAudit.Kafka.Cases;

/// <summary>
/// Keeps the case store current from the topics, in a consumer group: flagged claims from the cases topic and
/// audit decisions the policy raises a case for are added (idempotently), and case decisions are appended in
/// sequence, those already there (the workbench wrote them first) skipped. Each batch is applied cases first,
/// then decisions, then case decisions; a case decision whose case has not arrived yet waits in memory and is
/// tried again after each batch, and the group's offset on its partition is not committed past it, so a restart
/// reads it again. While the store is unavailable the batch is retried, never skipped. Offsets are committed
/// only once the batch is in the store.
/// </summary>
public sealed partial class KafkaCaseIntake(
    IOptions<KafkaOptions> kafka,
    IOptions<CaseIntakeOptions> options,
    ICaseStore store,
    ILogger<KafkaCaseIntake> logger) : BackgroundService
{
    /// <summary>Most case decisions kept waiting for their case; past it the oldest is dropped, with a warning.</summary>
    public const int MaxWaiting = 10_000;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly CaseIntakeOptions _options = options.Value;
    private readonly KafkaOptions _kafka = kafka.Value;
    private readonly List<Waiting> _waiting = [];
    private readonly Dictionary<TopicPartition, long> _consumed = []; // partition → offset after the last record consumed
    private readonly CaseReplay _replay = new(store, options.Value.Policy, options.Value.Offset);
    private long _records;
    private long _unreadable;
    private int _waitingCount;

    /// <summary>Records consumed so far.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Records that were not a readable case, audit decision or case decision, or could not be applied (skipped, logged).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    /// <summary>Case decisions waiting for their case (or for an earlier decision) to reach the store.</summary>
    public int WaitingDecisions => Volatile.Read(ref _waitingCount);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => RunAsync(stoppingToken), CancellationToken.None);

    private async Task RunAsync(CancellationToken stop)
    {
        using var consumer = BuildConsumer();
        consumer.Subscribe([_options.CasesTopic, _kafka.DecisionsTopic, _kafka.CaseDecisionsTopic]);
        LogStarted(logger, _options.GroupId, _options.CasesTopic, _kafka.DecisionsTopic, _kafka.CaseDecisionsTopic);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = Fill(consumer, stop);
                var waiting = _waiting.Count;
                if (batch.Count > 0 || waiting > 0)
                {
                    await ApplyAsync(batch, stop);
                    if (batch.Count > 0 || _waiting.Count != waiting)
                    {
                        Commit(consumer);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopping: what was not committed is read again by the next owner
        }
        finally
        {
            consumer.Close();
        }
    }

    private async Task ApplyAsync(List<ConsumeResult<string, byte[]>> batch, CancellationToken stop)
    {
        foreach (var result in batch.OrderBy(r => KindOf(r.Topic)))
        {
            var kind = KindOf(result.Topic);
            object? record;
            CaseReplayOutcome outcome;
            try
            {
                record = CaseTopicRecords.Read(result, kind);
                if (record is null)
                {
                    Interlocked.Increment(ref _unreadable);
                    continue;
                }

                outcome = await WhileUnavailableAsync(ct => CaseTopicRecords.ApplyAsync(_replay, record, ct), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // per record, whatever it is (an overflow in a case's sums once stopped the host): skipped and said
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // One bad record must not stop the intake (nor, through it, the host).
                Interlocked.Increment(ref _unreadable);
                LogApplyFailed(logger, ex, result.Topic, result.Partition.Value, result.Offset.Value);
                continue;
            }

            if (outcome is CaseReplayOutcome.CaseMissing or CaseReplayOutcome.OutOfOrder)
            {
                Wait(new Waiting((CaseDecision)record, result.TopicPartitionOffset));
            }
            else if (outcome == CaseReplayOutcome.Conflicting)
            {
                LogConflicting(logger, result.Partition.Value, result.Offset.Value);
            }
        }

        // Cases (and earlier decisions) may have arrived: try the waiting decisions again, in order.
        foreach (var waiting in _waiting.OrderBy(w => w.Decision.CaseId, StringComparer.Ordinal).ThenBy(w => w.Decision.Sequence).ToList())
        {
            var outcome = await WhileUnavailableAsync(ct => _replay.AppendAsync(waiting.Decision, ct), stop);
            if (outcome is not (CaseReplayOutcome.CaseMissing or CaseReplayOutcome.OutOfOrder))
            {
                _waiting.Remove(waiting);
            }
        }

        Volatile.Write(ref _waitingCount, _waiting.Count);
    }

    /// <summary>Applies, and while the store is unavailable waits and applies again: a record is never skipped for an outage.</summary>
    private async Task<CaseReplayOutcome> WhileUnavailableAsync(Func<CancellationToken, Task<CaseReplayOutcome>> apply, CancellationToken stop)
    {
        var logged = false;
        while (true)
        {
            try
            {
                var outcome = await apply(stop);
                if (logged)
                {
                    LogStoreBack(logger);
                }

                return outcome;
            }
            catch (CaseStoreUnavailableException ex)
            {
                if (!logged)
                {
                    logged = true;
                    LogStoreUnavailable(logger, ex.Message);
                }

                await Task.Delay(RetryDelay, stop);
            }
        }
    }

    private void Wait(Waiting waiting)
    {
        if (_waiting.Count >= MaxWaiting)
        {
            var oldest = _waiting[0];
            _waiting.RemoveAt(0);
            LogDropped(logger, MaxWaiting, oldest.Offset.Partition.Value, oldest.Offset.Offset.Value);
        }

        _waiting.Add(waiting);
    }

    private CaseTopic KindOf(string topic) =>
        topic == _options.CasesTopic ? CaseTopic.Cases : topic == _kafka.DecisionsTopic ? CaseTopic.Decisions : CaseTopic.CaseDecisions;

    private sealed record Waiting(CaseDecision Decision, TopicPartitionOffset Offset);
}
