using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using SmartAudit.Core.Audit;
using SmartAudit.Kafka.Producing;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// One member of the POST-stage consumer group. It reads a batch of settled claims, audits each
/// (<see cref="ClaimAuditor"/>), publishes the cases and rejections, waits until the cluster has
/// acknowledged every one of them, and only then commits the batch's offsets. A claim is never skipped:
/// its offset is committed after its output is on the topics. None is published twice: a worker that
/// starts on a partition first reads what its predecessor published past the committed offset
/// (<see cref="OutputRecovery"/>) and does not publish those claims again.
/// <para>
/// Why not Kafka transactions (offsets sent to the transaction)? They would also fence a worker that is
/// only slow, but librdkafka's mock cluster, which the tests run on, accepts transactional requests
/// without honouring them: committed transactional offsets are not stored and aborted records are
/// delivered to read_committed consumers, so no test could show them working. The recovery scan is
/// tested, and gives the same result for workers that stop (killed, crashed, restarted, rebalanced).
/// See docs/decision-log.md for where it ends: a stalled worker that lost its partitions while publishing.
/// </para>
/// </summary>
public sealed partial class AuditWorker : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly KafkaOptions _kafka;
    private readonly AuditWorkerOptions _options;
    private readonly ClaimAuditor _claims;
    private readonly ILogger _logger;
    private readonly IConsumer<string, byte[]> _consumer;
    private readonly IProducer<string, byte[]> _producer;
    private readonly IConsumer<string, byte[]> _reader;
    private readonly OutputRecovery _recovery;
    private readonly List<ConsumeResult<string, byte[]>> _batch = [];
    private readonly Dictionary<int, HashSet<long>> _published = []; // per partition being worked on: claims already published
    private volatile int[] _assigned = [];
    private bool _disposed;

    /// <param name="kafka">The cluster (section <c>Kafka</c>); the producer is built like the decision log's, idempotent, acks=all.</param>
    /// <param name="options">Topics, group and batching (section <c>AuditWorker</c>).</param>
    /// <param name="auditor">Audits each claim and puts its decision on record.</param>
    /// <param name="degradation">What the host reports as degraded, passed on with each claim; null for none.</param>
    /// <param name="logger">Where the worker says what it does; never with patient data.</param>
    /// <param name="name">Tells this worker apart in client ids and logs (e.g. <c>audit-worker-1</c>).</param>
    /// <param name="clock">Time of rejections; the system clock by default.</param>
    public AuditWorker(KafkaOptions kafka, AuditWorkerOptions options, Auditor auditor, DegradedReasons? degradation, ILogger logger,
        string name = "audit-worker", TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(options);
        _kafka = kafka;
        _options = options;
        _logger = logger;
        Name = name;
        _claims = new ClaimAuditor(auditor, degradation, options, clock ?? TimeProvider.System);
        _producer = KafkaProducers.Build(KafkaProducers.Config(kafka, name, messageTimeoutMs: 0), logger, OnProducerError);
        _consumer = BuildConsumer();
        _reader = KafkaConnection.Reader(kafka, name + "-recovery", logger);
        _recovery = new OutputRecovery(_reader, [options.CasesTopic, options.RejectedTopic], options.BatchSize);
    }

    public string Name { get; }

    public AuditWorkerStats Stats { get; } = new();

    /// <summary>Claims partitions this worker owns right now.</summary>
    public IReadOnlyList<int> AssignedPartitions => _assigned;

    /// <summary>Tests only: called at each step of a batch, to stop the worker there as a crash would.</summary>
    internal Func<WorkerStep, ValueTask>? StepHook { get; set; }

    /// <summary>
    /// Consumes, audits and publishes until <paramref name="stop"/>; then finishes the batch in hand, leaves
    /// the group and returns. An exception (a crash) leaves without committing what was not committed.
    /// </summary>
    /// <exception cref="InvalidOperationException">A topic is missing or has fewer partitions than the claims topic.</exception>
    public async Task RunAsync(CancellationToken stop)
    {
        CheckTopics();
        _consumer.Subscribe(_options.ClaimsTopic);
        LogStarted(_logger, Name, _options.GroupId, _options.ClaimsTopic, _options.CasesTopic, _options.RejectedTopic);
        while (!stop.IsCancellationRequested)
        {
            Fill(stop);
            if (_batch.Count > 0)
            {
                await ProcessAsync(stop);
            }
        }

        _consumer.Close(); // leave the group now rather than after the session timeout
        _assigned = [];
        LogStopped(_logger, Name, Stats.ToString());
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _consumer.Dispose(); // without Close: after a crash the group notices by the session timeout, as for a killed process
        _reader.Dispose();
        _producer.Dispose();
    }

    /// <summary>Reads claims until the batch is full or <see cref="AuditWorkerOptions.MaxBatchWait"/> has passed.</summary>
    private void Fill(CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        while (_batch.Count < _options.BatchSize && !stop.IsCancellationRequested)
        {
            var left = _options.MaxBatchWait - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            ConsumeResult<string, byte[]>? record;
            try
            {
                record = _consumer.Consume(left);
            }
            catch (ConsumeException ex)
            {
                LogConsumeFailed(_logger, Name, ex.Error.Code.ToString(), ex.Error.Reason);
                return;
            }

            if (record is null)
            {
                return;
            }

            if (!record.IsPartitionEOF)
            {
                Stats.Consumed();
                _batch.Add(record);
            }
        }
    }

    private async Task ProcessAsync(CancellationToken stop)
    {
        var batch = _batch.ToArray();
        _batch.Clear();
        try
        {
            foreach (var partition in batch.Select(r => r.Partition.Value).Distinct())
            {
                if (!_published.ContainsKey(partition))
                {
                    _published[partition] = Prepare(partition, batch.First(r => r.Partition.Value == partition).Offset);
                }
            }
        }
        catch (Exception ex) when (ex is KafkaException or TimeoutException)
        {
            LogPrepareFailed(_logger, Name, ex.Message);
            await RetryAsync(batch);
            return;
        }

        var failures = 0;
        int cases = 0, rejected = 0, alreadyPublished = 0;
        foreach (var record in batch)
        {
            if (_published[record.Partition.Value].Remove(record.Offset.Value))
            {
                alreadyPublished++;
                continue;
            }

            ClaimOutput? output;
            try
            {
                output = await _claims.AuditAsync(record, CancellationToken.None);
            }
#pragma warning disable CA1031 // per claim, whatever it is (an overflow in a case's sums once stopped the host)
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Set aside as a rejection: the claim is on record with the error, its offset is committed, the batch goes on.
                LogClaimSetAside(_logger, Name, record.Partition.Value, record.Offset.Value, ex.GetType().Name, ex.Message);
                output = _claims.Unauditable(record, ex);
            }

            if (output is null)
            {
                continue;
            }

            var topic = output.Kind == ClaimOutputKind.Case ? _options.CasesTopic : _options.RejectedTopic;
            try
            {
                _producer.Produce(new TopicPartition(topic, record.Partition), output.ToMessage(), report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref failures);
                    }
                });
            }
            catch (ProduceException<string, byte[]>)
            {
                Interlocked.Increment(ref failures); // refused at once (e.g. librdkafka's queue full): the batch is processed again
            }

            _ = output.Kind == ClaimOutputKind.Case ? cases++ : rejected++;
            await Step(WorkerStep.OutputProduced);
        }

        if (!Flush(stop))
        {
            LogAbandoned(_logger, Name, batch.Length);
            return; // stopping with output unacknowledged: not committed, so the partitions' next owner recovers it
        }

        if (Volatile.Read(ref failures) > 0)
        {
            LogPublishFailed(_logger, Name, batch.Length, Volatile.Read(ref failures));
            await RetryAsync(batch);
            return;
        }

        await Step(WorkerStep.BeforeCommit);
        if (!Commit(batch))
        {
            await RetryAsync(batch);
            return;
        }

        Stats.Committed(batch.Length, cases, rejected, alreadyPublished);
    }

    /// <summary>
    /// First batch on a partition since it was assigned: where the group's committed offset is, and which
    /// claims from there on already have their output (a predecessor published them and stopped before
    /// committing). A partition the group never committed is committed at its first claim before anything
    /// is published for it, so that a crash in its first batch is recovered like any other.
    /// </summary>
    private HashSet<long> Prepare(int partition, Offset first)
    {
        var claims = new TopicPartition(_options.ClaimsTopic, partition);
        var committed = _consumer.Committed([claims], RequestTimeout).Single().Offset;
        if (committed.Value < 0)
        {
            _consumer.Commit([new TopicPartitionOffset(claims, first)]);
            return [];
        }

        var published = _recovery.PublishedSince(partition, committed.Value);
        if (published.Count > 0)
        {
            LogRecovered(_logger, Name, partition, committed.Value, published.Count);
        }

        return published;
    }

    /// <summary>
    /// Waits until the cluster has acknowledged (or refused) every record handed to the producer, for as long
    /// as it takes: records never time out, so a batch is never published twice while the cluster is away.
    /// Once <paramref name="stop"/> is requested it waits <see cref="KafkaOptions.FlushTimeout"/> more; false then.
    /// </summary>
    private bool Flush(CancellationToken stop)
    {
        long? giveUpAt = null;
        while (_producer.Flush(TimeSpan.FromMilliseconds(100)) > 0)
        {
            if (stop.IsCancellationRequested)
            {
                giveUpAt ??= Stopwatch.GetTimestamp() + (long)(_kafka.FlushTimeout.TotalSeconds * Stopwatch.Frequency);
                if (Stopwatch.GetTimestamp() > giveUpAt)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool Commit(ConsumeResult<string, byte[]>[] batch)
    {
        var offsets = batch
            .GroupBy(r => r.TopicPartition)
            .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1))
            .ToList();
        try
        {
            _consumer.Commit(offsets);
            return true;
        }
        catch (KafkaException ex)
        {
            // Typically the group rebalanced while the batch was processed: the partitions' new owners
            // find this batch's output by their recovery scan and do not publish it again.
            LogCommitFailed(_logger, Name, ex.Error.Code.ToString(), ex.Error.Reason);
            return false;
        }
    }

    /// <summary>Processes the batch again later: rewinds its partitions (if still ours) and forgets what is known about them.</summary>
    private async Task RetryAsync(ConsumeResult<string, byte[]>[] batch)
    {
        Stats.Retried();
        foreach (var first in batch.GroupBy(r => r.TopicPartition).Select(g => g.MinBy(r => r.Offset.Value)!))
        {
            _published.Remove(first.Partition.Value);
            if (_assigned.Contains(first.Partition.Value))
            {
                try
                {
                    _consumer.Seek(first.TopicPartitionOffset);
                }
                catch (KafkaException ex)
                {
                    LogCommitFailed(_logger, Name, ex.Error.Code.ToString(), ex.Error.Reason);
                }
            }
        }

        await Task.Delay(RetryDelay);
    }

    private ValueTask Step(WorkerStep step) => StepHook?.Invoke(step) ?? ValueTask.CompletedTask;
}

/// <summary>Points in a batch where a test can stop a worker as a crash would.</summary>
internal enum WorkerStep
{
    /// <summary>One output record was handed to the producer.</summary>
    OutputProduced,

    /// <summary>The batch's output is acknowledged; its offsets are not committed yet.</summary>
    BeforeCommit,
}
