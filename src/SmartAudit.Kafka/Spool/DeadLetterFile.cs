using System.Buffers;
using System.Text.Json;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka.Spool;

/// <summary>
/// Where the Kafka decision log puts a record it cannot turn into a Kafka record (today: a non-finite number, which
/// JSON has no form for): <c>&lt;spool folder&gt;.deadletter.jsonl</c> beside the spool folder, one JSON object per
/// line with when, why, the record's kind and request id, the error, and what could be kept (<c>record</c>, with
/// non-finite numbers as strings). The same shape as the JSON-lines log's dead-letter file. Rare by design, so every
/// entry is fsynced. Created 0600 on Unix. Not thread-safe: the log calls it under its gate.
/// </summary>
internal sealed class DeadLetterFile(string path) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private FileStream? _stream;

    public string Path { get; } = path;

    /// <summary><c>var/kafka-spool</c> → <c>var/kafka-spool.deadletter.jsonl</c>: beside the spool, never read as a segment.</summary>
    public static string PathFor(string spoolDirectory) => System.IO.Path.TrimEndingDirectorySeparator(spoolDirectory) + ".deadletter.jsonl";

    public void Write(string reason, string kind, string? requestId, Exception error, byte[]? keptRecord)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line, DecisionJsonContext.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("setAsideAt", DateTimeOffset.UtcNow);
            json.WriteString("reason", reason);
            json.WriteString("kind", kind);
            if (requestId is not null)
            {
                json.WriteString("requestId", requestId);
            }

            json.WriteString("error", $"{error.GetType().Name}: {error.Message}");
            if (keptRecord is not null)
            {
                json.WritePropertyName("record");
                json.WriteRawValue(keptRecord, skipInputValidation: true);
            }

            json.WriteEndObject();
        }

        _line.Write("\n"u8);
        if (_stream is null)
        {
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            _stream = new FileStream(Path, options);
        }

        _stream.Write(_line.WrittenSpan);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream?.Dispose();
}
