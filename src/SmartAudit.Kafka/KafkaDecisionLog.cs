using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Kafka.Producing;
using SmartAudit.Kafka.Spool;

namespace SmartAudit.Kafka;

/// <summary>
/// The production decision log. <see cref="Append(Decision)"/> only enqueues into a bounded in-memory
/// queue; a background loop serialises each record (<see cref="DecisionRecord"/>, <see cref="FeedbackRecord"/>,
/// and the fraud team's <see cref="CaseDecision"/>s) and produces it with an idempotent <c>acks=all</c> producer:
/// decisions keyed by patient id, feedback by request id, case decisions by case id. When the cluster cannot take records (all brokers down, a delivery failed or timed out,
/// librdkafka's queue or this queue full) the log starts <em>spooling</em>: every record from then on goes
/// to a durable spool on disk, behind those that failed in flight, and a replayer produces the spool in
/// order once the cluster answers; only when the spool is empty does the log produce directly again, so
/// no record overtakes an older one. Stopping flushes the producer and spools whatever it could not flush.
/// See <c>docs/decision-log.md</c> for the guarantees and their limits.
/// </summary>
public sealed partial class KafkaDecisionLog : IDecisionLog, IDegradationSource, IHostedService, IDisposable, ISpoolOwner
{
    /// <summary>What responses and decisions say while the log spools (<see cref="IDegradationSource"/>).</summary>
    public const string SpoolingReason = "decision log spooling to disk";

    private const int BatchSize = 1024;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private readonly KafkaOptions _options;
    private readonly ILogger<KafkaDecisionLog> _logger;
    private readonly Channel<object> _queue;
    private readonly Lock _gate = new();
    private readonly DecisionSpool _spool;
    private readonly LiveProducer _live;
    private readonly SpoolReplayer _replayer;
    private readonly CancellationTokenSource _stopReplay = new();
    private readonly RecordIds _ids = new();
    private readonly DeadLetterFile _deadLetter;
    private long _setAside;
    private Task? _loop;
    private Task? _replay;
    private long _sequence;
    private volatile bool _spooling;
    private int _episode;
    private bool _stopped;
    private bool _disposed;

    public KafkaDecisionLog(IOptions<KafkaOptions> options, ILogger<KafkaDecisionLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _spool = new DecisionSpool(Path.GetFullPath(_options.SpoolPath), _options.SpoolSegmentRecords);
        _deadLetter = new DeadLetterFile(DeadLetterFile.PathFor(_spool.DirectoryPath));
        _spooling = !_spool.IsEmpty; // records left by an earlier run go out before any new one
        _live = new LiveProducer(_options, logger);
        _replayer = new SpoolReplayer(this, _options, logger);
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>True while records go to the disk spool instead of straight to Kafka: the log is degraded.</summary>
    public bool IsSpooling => _spooling;

    /// <summary>Records in the spool, waiting for the cluster.</summary>
    public long SpooledRecords => _spool.Records;

    /// <summary>Records in the in-memory queue, not yet handed to the producer or the spool.</summary>
    public int QueuedRecords => _queue.Reader.Count;

    /// <summary>Records the cluster acknowledged when produced directly (replayed ones are not counted).</summary>
    public long DeliveredRecords => _live.Delivered;

    /// <summary>
    /// Spooled records that may also have reached the cluster (sent, never acknowledged, then timed out):
    /// each may appear twice on its topic. Consumers deduplicate on the <c>record-id</c> header.
    /// </summary>
    public long PossiblyDuplicatedRecords => _live.PossiblyPersisted;

    public string SpoolPath => _spool.DirectoryPath;

    /// <summary>Where records that cannot become Kafka records are set aside: <c>&lt;spool folder&gt;.deadletter.jsonl</c>.</summary>
    public string DeadLetterPath => _deadLetter.Path;

    /// <summary>Records set aside in <see cref="DeadLetterPath"/> (or lost, when it refused them too) instead of produced.</summary>
    public long SetAsideRecords => Interlocked.Read(ref _setAside);

    /// <summary><see cref="SpoolingReason"/> while spooling: the request is answered all the same, and says so.</summary>
    public string? DegradedReason => _spooling ? SpoolingReason : null;

    public void Append(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!_queue.Writer.TryWrite(decision))
        {
            WriteThrough(decision);
        }
    }

    public void Append(Feedback feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (!_queue.Writer.TryWrite(feedback))
        {
            WriteThrough(feedback);
        }
    }

    /// <summary>A fraud team's decision on a case (<see cref="Cases.KafkaCaseDecisionLog"/>): keyed by case id, spooled and replayed like the rest.</summary>
    public void Append(CaseDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!_queue.Writer.TryWrite(decision))
        {
            WriteThrough(decision);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        KafkaLog.Started(_logger, _options.BootstrapServers, _options.DecisionsTopic, _options.FeedbackTopic, _spool.DirectoryPath);
        if (!_spool.IsEmpty)
        {
            KafkaLog.SpoolFound(_logger, _spool.Records);
        }

        _loop = Task.Run(RunAsync, CancellationToken.None);
        _replay = Task.Run(() => _replayer.RunAsync(_stopReplay.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Hands every queued record to the producer (or the spool), waits up to <see cref="KafkaOptions.FlushTimeout"/>
    /// for acknowledgements, and spools what is still unacknowledged. Records appended afterwards go
    /// straight to the spool.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        lock (_gate)
        {
            if (_loop is null || _replay is null || _stopped || _disposed)
            {
                return;
            }
        }

        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time: what the loop has not moved yet is spooled by Dispose.
        }

        await _stopReplay.CancelAsync();
        await Task.WhenAll(_replay, Task.Run(() => _live.Flush(_options.FlushTimeout, cancellationToken), CancellationToken.None));
        lock (_gate)
        {
            var unacknowledged = _live.TakeInFlight();
            SpoolFailed(unacknowledged);
            SpoolFailed(_live.TakeFailed());
            if (unacknowledged.Count > 0)
            {
                KafkaLog.FlushTimedOut(_logger, unacknowledged.Count);
            }

            _stopped = true;
            _spooling = true;
            _spool.Flush();
        }

        KafkaLog.Stopped(_logger, _spool.Records);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            // Normally empty by now; if the host never stopped the log, nothing queued is lost either.
            _spooling = true;
            SpoolFailed(_live.TakeInFlight());
            MoveQueued(int.MaxValue);
            _spool.Flush();
            _spool.Dispose();
            _deadLetter.Dispose();
        }

        _stopReplay.Cancel();
        _replayer.Dispose();
        _live.Dispose();
        _stopReplay.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        Task<bool>? waiting = null;
        while (true)
        {
            waiting ??= reader.WaitToReadAsync().AsTask();
            await Task.WhenAny(waiting, Task.Delay(Tick));
            var more = !waiting.IsCompleted || await waiting;
            if (waiting.IsCompleted)
            {
                waiting = null;
            }

            try
            {
                Pump(more ? BatchSize : int.MaxValue);
            }
#pragma warning disable CA1031 // per round, whatever it is: a faulted loop would leave every later record in the queue
            catch (Exception e)
#pragma warning restore CA1031
            {
                KafkaLog.LoopFailed(_logger, e);
            }

            if (!more)
            {
                return; // completed by StopAsync and drained
            }
        }
    }

    /// <summary>One round of the loop: notice trouble, spool failed records, move a batch from the queue.</summary>
    private void Pump(int batch)
    {
        lock (_gate)
        {
            try
            {
                if (!_spooling && _live.TakeTrouble() is { } trouble)
                {
                    StartSpooling(trouble);
                }

                SpoolFailed(_live.TakeFailed());
                MoveQueued(batch);
                _spool.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The disk refused too (full, read-only): nothing more can be done than to say so loudly.
                KafkaLog.LoopFailed(_logger, e);
            }
        }
    }

    /// <summary>Record appended while the queue is full (or after stopping): everything queued goes first.</summary>
    private void WriteThrough(object record)
    {
        lock (_gate)
        {
            if (!_spooling)
            {
                StartSpooling(_stopped ? "stopped" : "queue full");
            }

            MoveQueued(int.MaxValue);
            if (TryToOutbound(record) is { } outbound)
            {
                _spool.Append(outbound);
            }

            _spool.Flush();
        }
    }

    private void MoveQueued(int max)
    {
        for (var moved = 0; moved < max && _queue.Reader.TryRead(out var item); moved++)
        {
            if (TryToOutbound(item) is not { } record)
            {
                continue;
            }

            if (_spooling)
            {
                _spool.Append(record);
            }
            else if (!_live.TryProduce(record, out var reason))
            {
                StartSpooling(reason);
                _spool.Append(record);
            }
        }
    }

    /// <summary>Records that failed in flight: older than anything spooled since, so they go to the retry segment.</summary>
    private void SpoolFailed(List<OutboundRecord> failed)
    {
        if (failed.Count == 0)
        {
            return;
        }

        if (!_spooling)
        {
            StartSpooling("delivery failed");
        }

        foreach (var record in failed)
        {
            _spool.AppendRetry(record);
        }
    }

    private void StartSpooling(string reason)
    {
        _spooling = true;
        _episode++;
        _spool.ReserveRetrySegment();
        KafkaLog.SpoolingStarted(_logger, reason);
        _replayer.Wake();
    }

    /// <summary>
    /// The record to produce; null when it cannot be serialized (a non-finite number: JSON has no form for it), and
    /// then it is set aside in the dead-letter file, logged by request id and counted, and the others go on.
    /// </summary>
    private OutboundRecord? TryToOutbound(object item)
    {
        try
        {
            return ToOutbound(item);
        }
#pragma warning disable CA1031 // whatever the serializer refuses sets this record aside, never the loop or the request
        catch (Exception e)
#pragma warning restore CA1031
        {
            var (kind, id) = item switch
            {
                Decision d => ("decision", d.Request.RequestId),
                Feedback f => ("feedback", f.RequestId),
                CaseDecision c => ("case-decision", c.DecisionId),
                _ => (item.GetType().Name, (string?)null),
            };
            Interlocked.Increment(ref _setAside);
            try
            {
                _deadLetter.Write("unserializable", kind, id, e, SetAsideJsonContext.TryToUtf8(item));
                KafkaLog.RecordSetAside(_logger, kind, id, e.GetType().Name, e.Message, _deadLetter.Path);
            }
            catch (Exception io) when (io is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                KafkaLog.RecordLost(_logger, kind, id, e.GetType().Name, io.GetType().Name, io.Message);
            }

            return null;
        }
    }

    private OutboundRecord ToOutbound(object item)
    {
        var sequence = ++_sequence;
        return item switch
        {
            Decision d => Outbound(sequence, _options.DecisionsTopic, d.Request.Patient.Id, DecisionRecord.SchemaV1, d.DecidedAt,
                DecisionJsonContext.ToUtf8(DecisionRecord.From(d))),
            Feedback f => Outbound(sequence, _options.FeedbackTopic, f.RequestId, FeedbackRecord.SchemaV1, f.RecordedAt,
                DecisionJsonContext.ToUtf8(FeedbackRecord.From(f))),
            CaseDecision c => Outbound(sequence, _options.CaseDecisionsTopic, c.CaseId, CaseDecision.SchemaV1, c.DecidedAt, CaseJsonContext.ToUtf8(c)),
            _ => throw new ArgumentException($"not a log record: {item.GetType().Name}", nameof(item)),
        };
    }

    private OutboundRecord Outbound(long sequence, string topic, string key, string schema, DateTimeOffset at, byte[] value)
    {
        var unixMilliseconds = at.ToUnixTimeMilliseconds();
        return new OutboundRecord(sequence, topic, key, schema, _ids.Next(unixMilliseconds), unixMilliseconds, value);
    }
}
