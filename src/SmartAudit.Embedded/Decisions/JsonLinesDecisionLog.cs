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
/// </summary>
public sealed partial class JsonLinesDecisionLog : BackgroundService, IDecisionLog
{
    /// <summary>How long the writer lets a batch gather before writing it out.</summary>
    internal static readonly TimeSpan BatchLinger = TimeSpan.FromMilliseconds(2);

    private readonly Channel<object> _queue;
    private readonly FileStream _file;
    private readonly Utf8JsonWriter _json;
    private readonly Lock _fileLock = new();
    private readonly ILogger<JsonLinesDecisionLog> _logger;

    public JsonLinesDecisionLog(IOptions<DecisionLogOptions> options, ILogger<JsonLinesDecisionLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        FilePath = Path.GetFullPath(options.Value.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1 << 16);
        _json = new Utf8JsonWriter(_file, DecisionJsonContext.WriterOptions);
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string FilePath { get; }

    public void Append(Decision decision) => Enqueue(decision);

    public void Append(Feedback feedback) => Enqueue(feedback);

    private void Enqueue(object record)
    {
        if (_queue.Writer.TryWrite(record))
        {
            return;
        }

        // Queue full, or the log is stopping: write through rather than lose the record.
        lock (_fileLock)
        {
            WriteLine(record);
            _file.Flush();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, FilePath);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(BatchLinger, stoppingToken);
                Drain(reader);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync drains what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Drain(_queue.Reader);
    }

    public override void Dispose()
    {
        Drain(_queue.Reader);
        lock (_fileLock)
        {
            _json.Dispose();
            _file.Dispose();
        }

        base.Dispose();
    }

    private void Drain(ChannelReader<object> reader)
    {
        lock (_fileLock)
        {
            var any = false;
            while (reader.TryRead(out var record))
            {
                WriteLine(record);
                any = true;
            }

            if (any)
            {
                _file.Flush();
            }
        }
    }

    private void WriteLine(object record)
    {
        _json.Reset();
        switch (record)
        {
            case Decision decision:
                JsonSerializer.Serialize(_json, DecisionRecord.From(decision), DecisionJsonContext.Default.DecisionRecord);
                break;
            case Feedback feedback:
                JsonSerializer.Serialize(_json, FeedbackRecord.From(feedback), DecisionJsonContext.Default.FeedbackRecord);
                break;
            default:
                throw new ArgumentException($"not a log record: {record.GetType().Name}", nameof(record));
        }

        _json.Flush();
        _file.WriteByte((byte)'\n');
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Decision log: appending JSON lines to {Path}")]
    private static partial void LogStarted(ILogger logger, string path);
}
