using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using SmartAudit.Kafka.Producing;

namespace SmartAudit.Kafka.Spool;

/// <summary>
/// Replays the spool, oldest segment first, through a producer of its own whose records never time out:
/// librdkafka retries them until the cluster takes them, idempotently, so a segment's records reach
/// their partitions once and in order. A segment is forgotten only once every record in it was
/// acknowledged. When the spool is empty and the cluster is known to answer (a segment went through,
/// or a metadata request did), the log goes back to producing directly.
/// </summary>
internal sealed class SpoolReplayer : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ISpoolOwner _owner;
    private readonly KafkaOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0);
    private IProducer<string, byte[]> _producer;
    private IAdminClient? _probe;
    private volatile bool _fatal;
    private int _provenEpisode = -1;
    private TimeSpan _backoff = TimeSpan.FromSeconds(1);

    public SpoolReplayer(ISpoolOwner owner, KafkaOptions options, ILogger logger)
    {
        _owner = owner;
        _options = options;
        _logger = logger;
        _producer = Build();
    }

    /// <summary>Looks at the spool now rather than at the next tick.</summary>
    public void Wake() => _wake.Release();

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Tick, stoppingToken);
                await StepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                KafkaLog.ReplayFailed(_logger, e, _backoff);
                await Task.WhenAny(Task.Delay(_backoff, stoppingToken));
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task StepAsync(CancellationToken stoppingToken)
    {
        var step = _owner.NextReplayStep(out var segment, out var episode);
        if (step == ReplayStep.Empty)
        {
            if (_provenEpisode == episode || await Task.Run(Probe, stoppingToken))
            {
                _owner.TryResumeDirect(episode);
            }

            return;
        }

        if (step != ReplayStep.Segment)
        {
            return;
        }

        RecreateIfFatal();
        var records = DecisionSpool.Read(segment!, out var unreadable);
        if (unreadable > 0)
        {
            KafkaLog.SpoolLinesUnreadable(_logger, segment!.Number, unreadable);
        }

        var (remaining, error) = await ProduceAllAsync(records, stoppingToken);
        _owner.Replayed(segment!, remaining);
        if (remaining.Count == 0)
        {
            _provenEpisode = records.Count > 0 ? episode : _provenEpisode;
            _backoff = TimeSpan.FromSeconds(1);
            Wake();
        }
        else if (!stoppingToken.IsCancellationRequested)
        {
            KafkaLog.ReplayRefused(_logger, segment!.Number, remaining.Count, records.Count, error ?? "unknown", _backoff);
            await Task.Delay(_backoff, stoppingToken);
            _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>
    /// Produces every record and waits for all their reports. On cancellation (the log stopping) it waits
    /// up to the flush timeout, then returns what is still unacknowledged so it stays in the spool.
    /// </summary>
    private async Task<(List<OutboundRecord> Remaining, string? Error)> ProduceAllAsync(List<OutboundRecord> records, CancellationToken stoppingToken)
    {
        var acknowledged = new bool[records.Count];
        var pending = records.Count;
        string? error = null;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Reported(int count)
        {
            if (Interlocked.Add(ref pending, -count) == 0)
            {
                done.TrySetResult();
            }
        }

        for (var i = 0; i < records.Count; i++)
        {
            var index = i;
            try
            {
                _producer.Produce(records[i].Topic, records[i].ToMessage(), report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.CompareExchange(ref error, report.Error.Code.ToString(), null);
                    }
                    else
                    {
                        Volatile.Write(ref acknowledged[index], true);
                    }

                    Reported(1);
                });
            }
            catch (KafkaException e)
            {
                // librdkafka would not take more (its queue is full): the rest waits for the next round.
                Interlocked.CompareExchange(ref error, e.Error.Code.ToString(), null);
                Reported(records.Count - i);
                break;
            }
        }

        if (records.Count == 0)
        {
            done.TrySetResult();
        }

        try
        {
            await done.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await Task.Run(() => _producer.Flush(_options.FlushTimeout), CancellationToken.None);
        }

        var remaining = new List<OutboundRecord>();
        for (var i = 0; i < records.Count; i++)
        {
            if (!Volatile.Read(ref acknowledged[i]))
            {
                remaining.Add(records[i]);
            }
        }

        return (remaining, error);
    }

    /// <summary>True when a broker answers a metadata request: the cluster is back even though nothing was spooled.</summary>
    private bool Probe()
    {
        try
        {
            _probe ??= new DependentAdminClientBuilder(_producer.Handle).Build();
            _ = _probe.GetMetadata(_options.DecisionsTopic, ProbeTimeout);
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    private void RecreateIfFatal()
    {
        if (_fatal)
        {
            _probe?.Dispose();
            _probe = null;
            _producer.Dispose();
            _fatal = false;
            _producer = Build();
        }
    }

    private IProducer<string, byte[]> Build() =>
        KafkaProducers.Build(KafkaProducers.Config(_options, "replay", messageTimeoutMs: 0), _logger, error =>
        {
            if (error.IsFatal)
            {
                _fatal = true;
                KafkaLog.ProducerFatal(_logger, "replay", error.Code.ToString(), error.Reason);
            }
            else
            {
                KafkaLog.ProducerError(_logger, "replay", error.Code.ToString(), error.Reason);
            }
        });

    public void Dispose()
    {
        _probe?.Dispose();
        _producer.Dispose();
        _wake.Dispose();
    }
}

/// <summary>What the replayer may do next.</summary>
internal enum ReplayStep
{
    /// <summary>Producing directly (or stopped): nothing to replay.</summary>
    Idle,
    /// <summary>Spooling, but records handed to the live producer before the outage are not all reported yet.</summary>
    WaitingForInFlight,
    /// <summary>A sealed segment to replay.</summary>
    Segment,
    /// <summary>Spooling with an empty spool: go back to producing directly once the cluster answers.</summary>
    Empty,
}

/// <summary>The side of the log the replayer works with; every call is serialised with the log's appends.</summary>
internal interface ISpoolOwner
{
    /// <param name="segment">The segment to replay, when the answer is <see cref="ReplayStep.Segment"/>.</param>
    /// <param name="episode">Which spooling episode this is: resuming is refused if another one began since.</param>
    ReplayStep NextReplayStep(out SpoolSegment? segment, out int episode);

    void Replayed(SpoolSegment segment, IReadOnlyList<OutboundRecord> remaining);

    void TryResumeDirect(int episode);
}
