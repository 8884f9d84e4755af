using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using SmartAudit.Kafka.Spool;

namespace SmartAudit.Kafka.Producing;

/// <summary>
/// The producer for records as they come: every record handed to it is tracked until its delivery
/// report, so none can slip away. Records the cluster refused or that timed out are kept, in append
/// order, for the spool; so are those still unacknowledged when the log stops. It also notices trouble
/// (a failed delivery, all brokers down, a fatal error) so that the log can start spooling at once.
/// Delivery reports arrive on librdkafka's polling thread: everything here is thread-safe.
/// </summary>
internal sealed class LiveProducer : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, OutboundRecord> _inFlight = new();
    private readonly ConcurrentQueue<OutboundRecord> _failed = new();
    private IProducer<string, byte[]> _producer;
    private long _outstanding;
    private long _delivered;
    private long _possiblyPersisted;
    private string? _trouble;
    private volatile bool _fatal;

    public LiveProducer(KafkaOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _producer = Build();
    }

    /// <summary>Records handed to the producer and not yet reported delivered or failed.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    /// <summary>Records the cluster acknowledged.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Failed records that may have reached the cluster all the same (sent, never acknowledged).</summary>
    public long PossiblyPersisted => Interlocked.Read(ref _possiblyPersisted);

    /// <summary>Hands a record to librdkafka; false (with the reason) when it would not take it, e.g. its queue is full.</summary>
    public bool TryProduce(OutboundRecord record, out string reason)
    {
        _inFlight[record.Sequence] = record;
        Interlocked.Increment(ref _outstanding);
        try
        {
            _producer.Produce(record.Topic, record.ToMessage(), report => OnDelivered(record, report));
            reason = string.Empty;
            return true;
        }
        catch (KafkaException e)
        {
            Forget(record);
            reason = $"producer refused a record: {e.Error.Code}";
            return false;
        }
    }

    /// <summary>Trouble noticed since the last call, if any: the reason to start spooling.</summary>
    public string? TakeTrouble() => Interlocked.Exchange(ref _trouble, null);

    /// <summary>Records whose delivery failed, oldest first.</summary>
    public List<OutboundRecord> TakeFailed()
    {
        var failed = new List<OutboundRecord>();
        while (_failed.TryDequeue(out var record))
        {
            failed.Add(record);
        }

        failed.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return failed;
    }

    /// <summary>Records still unacknowledged, oldest first; their late reports are ignored from now on.</summary>
    public List<OutboundRecord> TakeInFlight()
    {
        var pending = new List<OutboundRecord>();
        foreach (var sequence in _inFlight.Keys)
        {
            if (_inFlight.TryRemove(sequence, out var record))
            {
                Interlocked.Decrement(ref _outstanding);
                pending.Add(record);
            }
        }

        pending.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return pending;
    }

    /// <summary>Waits until every record handed over is reported, or until <paramref name="timeout"/> or cancellation.</summary>
    public void Flush(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Outstanding > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            _producer.Flush(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Replaces a producer that failed fatally; only when nothing is outstanding.</summary>
    public void RecreateIfFatal()
    {
        if (!_fatal || Outstanding > 0)
        {
            return;
        }

        _producer.Dispose();
        _fatal = false;
        _producer = Build();
    }

    public void Dispose() => _producer.Dispose();

    private IProducer<string, byte[]> Build() =>
        KafkaProducers.Build(KafkaProducers.Config(_options, "live", _options.MessageTimeoutMs), _logger, OnError);

    private void OnDelivered(OutboundRecord record, DeliveryReport<string, byte[]> report)
    {
        if (!_inFlight.TryRemove(record.Sequence, out _))
        {
            return; // taken for the spool when the log stopped
        }

        if (report.Error.IsError)
        {
            if (report.Status == PersistenceStatus.PossiblyPersisted)
            {
                Interlocked.Increment(ref _possiblyPersisted);
            }

            Interlocked.CompareExchange(ref _trouble, $"delivery failed: {report.Error.Code}", null);
            _failed.Enqueue(record);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }

        // Last: whoever sees nothing outstanding must also see every failed record queued.
        Interlocked.Decrement(ref _outstanding);
    }

    private void Forget(OutboundRecord record)
    {
        if (_inFlight.TryRemove(record.Sequence, out _))
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _fatal = true;
            Interlocked.Exchange(ref _trouble, $"fatal producer error: {error.Code}");
            KafkaLog.ProducerFatal(_logger, "live", error.Code.ToString(), error.Reason);
        }
        else if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            Interlocked.CompareExchange(ref _trouble, "all brokers down", null);
            KafkaLog.ProducerError(_logger, "live", error.Code.ToString(), error.Reason);
        }
        else
        {
            KafkaLog.ProducerError(_logger, "live", error.Code.ToString(), error.Reason);
        }
    }
}
