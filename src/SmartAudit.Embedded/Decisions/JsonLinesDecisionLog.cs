using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Embedded.Decisions;

/// <summary>
/// The embedded decision log: records go into a bounded in-memory queue (the request path only enqueues)
/// and a background writer appends them to a JSON-lines file, serialising straight to UTF-8 and writing
/// in batches (it lets a batch gather for <see cref="BatchLinger"/> so that under load it wakes and
/// writes once per batch, not once per record). When the queue is full the record is written straight
/// through instead, so nothing is ever dropped. Stopping drains the queue before returning.
/// <para>
/// No record can stop the writer (and through it the host): one that cannot be serialized (a non-finite number,
/// which JSON has no form for) or written is set aside in the dead-letter file (<see cref="DeadLetterPath"/>) with
/// the error, logged by request id and counted (<c>smartaudit.decision_log.set_aside</c>), and the rest go on.
/// Each record is serialized whole before a byte of it reaches the file, so a failure never leaves half a line.
/// At start-up a torn last line (the process died mid-write) is moved to the dead-letter file and cut off, so the
/// log is always whole JSON lines and new records start on a line of their own. Flushing and fsync follow
/// <see cref="DecisionLogOptions"/>.
/// </para>
/// </summary>
public sealed partial class JsonLinesDecisionLog : BackgroundService, IDecisionLog
{
    /// <summary>The meter the log's counters are on.</summary>
    public const string MeterName = "SmartAudit.DecisionLog";

    /// <summary>How long the writer lets a batch gather before writing it out (less when the flush interval is shorter).</summary>
    internal static readonly TimeSpan BatchLinger = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan BatchRetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly Channel<object> _queue;
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly DeadLetterFile _deadLetter;
    private readonly Lock _fileLock = new();
    private readonly List<Acknowledged> _waiting = [];
    private readonly ILogger<JsonLinesDecisionLog> _logger;
    private readonly DecisionLogOptions _options;
    private readonly TimeSpan _linger;
    private readonly Meter? _ownMeter;
    private readonly Counter<long> _setAside;
    private readonly Counter<long> _lost;
    private bool _unsynced;
    private bool _disposed;
    private long _setAsideTotal;
    private long _lostTotal;
    private volatile string? _flushFailure;

    public JsonLinesDecisionLog(IOptions<DecisionLogOptions> options, ILogger<JsonLinesDecisionLog> logger, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _options = options.Value;
        // With answers waiting for their lines, batches gather by themselves while the previous one is written.
        _linger = _options.WriteBeforeAnswer ? TimeSpan.Zero : _options.FlushInterval < BatchLinger ? _options.FlushInterval : BatchLinger;
        var meter = meters?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        _setAside = meter.CreateCounter<long>("smartaudit.decision_log.set_aside",
            description: "Records and torn lines moved to the dead-letter file instead of the log, by reason (unserializable, unwritable, torn-tail)");
        _lost = meter.CreateCounter<long>("smartaudit.decision_log.lost",
            description: "Records neither in the log nor in the dead-letter file (both refused them)");
        FilePath = Path.GetFullPath(_options.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _deadLetter = new DeadLetterFile(DeadLetterFile.PathFor(FilePath));
        RepairTornTail();
        _file = DeadLetterFile.OpenAppend(FilePath, bufferSize: 1 << 16);
        _json = new Utf8JsonWriter(_line, DecisionJsonContext.WriterOptions);
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string FilePath { get; }

    /// <summary>Records waiting in memory for the writer.</summary>
    public int QueuedRecords => _queue.Reader.Count;

    /// <summary>The in-memory queue's capacity (<see cref="DecisionLogOptions.QueueCapacity"/>).</summary>
    public int QueueCapacity => _options.QueueCapacity;

    /// <summary>Records moved to the dead-letter file since start (torn lines included).</summary>
    public long SetAsideRecords => Interlocked.Read(ref _setAsideTotal);

    /// <summary>Records neither in the log nor in the dead-letter file since start.</summary>
    public long LostRecords => Interlocked.Read(ref _lostTotal);

    /// <summary>Why the last flush to the file failed (disk full, say), or null once one succeeds.</summary>
    public string? FlushFailure => _flushFailure;

    /// <summary>Where records the log could not keep, and torn lines, are set aside: <c>&lt;name&gt;.deadletter.jsonl</c> beside the log.</summary>
    public string DeadLetterPath => _deadLetter.Path;

    public void Append(Decision decision) => Enqueue(decision);

    /// <inheritdoc />
    public ValueTask AppendAcknowledgedAsync(Decision decision)
    {
        if (!_options.WriteBeforeAnswer)
        {
            Enqueue(decision);
            return ValueTask.CompletedTask;
        }

        var written = new Acknowledged(decision);
        Enqueue(written);
        return new ValueTask(written.Task);
    }

    public void Append(Feedback feedback) => Enqueue(feedback);

    private void Enqueue(object record)
    {
        if (_queue.Writer.TryWrite(record))
        {
            return;
        }

        // Queue full, or the log is stopping: write through rather than lose the record. Never throws into the request.
        lock (_fileLock)
        {
            if (Write(record))
            {
                TryFlush(1);
            }

            (record as Acknowledged)?.Done();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, FilePath, _options.FlushInterval, _options.FsyncPolicy);
        var fsync = _options.FsyncPolicy == DecisionLogFsyncPolicy.Interval ? Task.Run(() => FsyncLoopAsync(stoppingToken), CancellationToken.None) : Task.CompletedTask;
        var reader = _queue.Reader;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await reader.WaitToReadAsync(stoppingToken))
                {
                    break;
                }

                if (_linger > TimeSpan.Zero)
                {
                    await Task.Delay(_linger, stoppingToken);
                }

                Drain(reader);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break; // stopping: StopAsync drains what is left
            }
#pragma warning disable CA1031 // per batch, whatever it is: the writer must never fault, or the host stops and the queue is lost
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogBatchFailed(_logger, e);
                await Task.WhenAny(Task.Delay(BatchRetryDelay, stoppingToken));
            }
        }

        await fsync;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Drain(_queue.Reader);
        lock (_fileLock)
        {
            TrySync(); // a clean stop leaves everything on the disk, whatever the policy
        }
    }

    public override void Dispose()
    {
        Drain(_queue.Reader);
        lock (_fileLock)
        {
            TrySync();
            _disposed = true;
            _json.Dispose();
            _file.Dispose();
            _deadLetter.Dispose();
        }

        _ownMeter?.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Writes what is queued, handing it to the operating system at the end and, while working through a backlog,
    /// at least every <see cref="DecisionLogOptions.FlushInterval"/>.
    /// </summary>
    private void Drain(ChannelReader<object> reader)
    {
        lock (_fileLock)
        {
            var written = 0;
            var flushed = Stopwatch.GetTimestamp();
            while (reader.TryRead(out var record))
            {
                if (Write(record))
                {
                    written++;
                }

                if (record is Acknowledged acknowledged)
                {
                    _waiting.Add(acknowledged);
                }

                if (written > 0 && Stopwatch.GetElapsedTime(flushed) >= _options.FlushInterval)
                {
                    TryFlush(written);
                    written = 0;
                    flushed = Stopwatch.GetTimestamp();
                    Release();
                }
            }

            if (written > 0)
            {
                TryFlush(written);
            }

            Release();
        }
    }

    /// <summary>Answers waiting for lines that are now written (or set aside: on record either way). Under the file lock.</summary>
    private void Release()
    {
        foreach (var acknowledged in _waiting)
        {
            acknowledged.Done();
        }

        _waiting.Clear();
    }

    /// <summary>A decision whose answer waits until its line is written.</summary>
    private sealed class Acknowledged(Decision decision) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Decision Decision { get; } = decision;

        public void Done() => TrySetResult();
    }

    /// <summary>One record as one line, or set aside. True when it went into the file's buffer. Never throws.</summary>
    private bool Write(object queued)
    {
        var record = queued is Acknowledged acknowledged ? acknowledged.Decision : queued;
        _line.ResetWrittenCount();
        _json.Reset(_line);
        try
        {
            switch (record)
            {
                case Decision decision:
                    JsonSerializer.Serialize(_json, DecisionRecord.From(decision), DecisionJsonContext.Default.DecisionRecord);
                    break;
                case Feedback feedback:
                    JsonSerializer.Serialize(_json, FeedbackRecord.From(feedback), DecisionJsonContext.Default.FeedbackRecord);
                    break;
                default:
                    throw new ArgumentException($"not a log record: {record.GetType().Name}", nameof(queued));
            }

            _json.Flush();
        }
#pragma warning disable CA1031 // whatever the serializer refuses (non-finite numbers today) sets this record aside, not the log
        catch (Exception e)
#pragma warning restore CA1031
        {
            SetAside(record, "unserializable", e);
            return false;
        }

        _line.Write("\n"u8);
        try
        {
            _file.Write(_line.WrittenSpan);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or NotSupportedException)
        {
            SetAside(record, "unwritable", e);
            return false;
        }
    }

    /// <summary>Hands the buffered lines to the operating system, and to the disk too with <see cref="DecisionLogFsyncPolicy.EveryBatch"/>.</summary>
    private void TryFlush(int records)
    {
        try
        {
            _file.Flush(flushToDisk: _options.FsyncPolicy == DecisionLogFsyncPolicy.EveryBatch);
            _unsynced = _options.FsyncPolicy == DecisionLogFsyncPolicy.Interval;
            _flushFailure = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _flushFailure = $"{e.GetType().Name}: {e.Message}";
            // The lines stay in the stream's buffer and go with the next flush if the disk takes them again.
            LogFlushFailed(_logger, e, records);
        }
    }

    private async Task FsyncLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FsyncInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                lock (_fileLock)
                {
                    if (_unsynced)
                    {
                        TrySync();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: StopAsync syncs once more
        }
    }

    /// <summary>Under the file lock.</summary>
    private void TrySync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            _file.Flush(flushToDisk: true);
            _unsynced = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            LogFlushFailed(_logger, e, 0);
        }
    }

    /// <summary>Under the file lock (or in the constructor). Never throws: a record the dead-letter file refuses too is counted lost.</summary>
    private void SetAside(object record, string reason, Exception error)
    {
        var (kind, requestId) = record switch
        {
            Decision d => ("decision", d.Request.RequestId),
            Feedback f => ("feedback", f.RequestId),
            _ => (record.GetType().Name, (string?)null),
        };
        try
        {
            _deadLetter.WriteRecord(reason, kind, requestId, error, SetAsideJsonContext.TryToUtf8(record));
            _setAside.Add(1, new KeyValuePair<string, object?>("reason", reason));
            Interlocked.Increment(ref _setAsideTotal);
            LogSetAside(_logger, kind, requestId, reason, error.GetType().Name, error.Message, _deadLetter.Path);
        }
#pragma warning disable CA1031 // the dead-letter file failing too is the end of the line for this record, not for the log
        catch (Exception e)
#pragma warning restore CA1031
        {
            _lost.Add(1, new KeyValuePair<string, object?>("reason", reason));
            Interlocked.Increment(ref _lostTotal);
            LogLost(_logger, kind, requestId, reason, error.GetType().Name, e.GetType().Name, e.Message);
        }
    }

    /// <summary>
    /// A log that does not end in a newline was cut mid-record (the process or the machine died while writing):
    /// the partial line goes to the dead-letter file (fsynced first, so a crash here loses nothing), then the log
    /// is truncated to its last whole line, so appending starts on a fresh line and every line parses.
    /// </summary>
    private void RepairTornTail()
    {
        if (!File.Exists(FilePath))
        {
            return;
        }

        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        var length = stream.Length;
        if (length == 0)
        {
            return;
        }

        stream.Position = length - 1;
        if (stream.ReadByte() == '\n')
        {
            return;
        }

        var cut = FindLineStart(stream, length);
        var tail = new byte[length - cut];
        stream.Position = cut;
        stream.ReadExactly(tail);
        _deadLetter.WriteTornTail(tail, cut);
        _setAside.Add(1, new KeyValuePair<string, object?>("reason", "torn-tail"));
        stream.SetLength(cut);
        stream.Flush(flushToDisk: true);
        LogTornTail(_logger, tail.Length, cut, _deadLetter.Path);
    }

    /// <summary>The offset just after the last newline before <paramref name="length"/>; 0 when there is none.</summary>
    private static long FindLineStart(FileStream stream, long length)
    {
        var chunk = new byte[64 * 1024];
        var end = length;
        while (end > 0)
        {
            var size = (int)Math.Min(chunk.Length, end);
            var start = end - size;
            stream.Position = start;
            stream.ReadExactly(chunk, 0, size);
            var newline = chunk.AsSpan(0, size).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                return start + newline + 1;
            }

            end = start;
        }

        return 0;
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information,
        Message = "Decision log: appending JSON lines to {Path} (flushed within {FlushInterval}, fsync {FsyncPolicy})")]
    private static partial void LogStarted(ILogger logger, string path, TimeSpan flushInterval, DecisionLogFsyncPolicy fsyncPolicy);

    // Request ids only: no patient identifiers in logs. The exception's message is the serializer's or the file system's.
    [LoggerMessage(EventId = 5402, Level = LogLevel.Error,
        Message = "Decision log: {Kind} {RequestId} set aside to {DeadLetterPath} ({Reason}: {ErrorType}: {Error}); the log goes on")]
    private static partial void LogSetAside(ILogger logger, string kind, string? requestId, string reason, string errorType, string error, string deadLetterPath);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Critical,
        Message = "Decision log: {Kind} {RequestId} LOST: the log refused it ({Reason}: {ErrorType}) and so did the dead-letter file ({DeadLetterErrorType}: {DeadLetterError})")]
    private static partial void LogLost(ILogger logger, string kind, string? requestId, string reason, string errorType, string deadLetterErrorType, string deadLetterError);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Warning,
        Message = "Decision log: the last line was torn ({Bytes} bytes after offset {Offset}, a write cut by a crash); moved to {DeadLetterPath} and cut off")]
    private static partial void LogTornTail(ILogger logger, int bytes, long offset, string deadLetterPath);

    [LoggerMessage(EventId = 5405, Level = LogLevel.Error, Message = "Decision log: a batch failed; the writer goes on")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5406, Level = LogLevel.Error, Message = "Decision log: flushing the file failed ({Records} records in the batch); retried with the next batch")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int records);
}
