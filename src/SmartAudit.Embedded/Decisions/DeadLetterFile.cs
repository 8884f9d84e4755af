using System.Buffers;
using System.Text;
using System.Text.Json;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Embedded.Decisions;

/// <summary>
/// Where the JSON-lines log puts what it cannot keep in the log: a record it could not serialize or write, and a
/// torn last line found at start-up. One JSON object per line: when, why (<c>reason</c>), the record's kind and
/// request id, the error, and what could be kept (<c>record</c>: the record with non-finite numbers as strings;
/// <c>partialLine</c>: the torn bytes as text). Rare by design, so every entry is fsynced before it counts as kept.
/// Not thread-safe: the log calls it under its file lock.
/// </summary>
internal sealed class DeadLetterFile(string path) : IDisposable
{
    /// <summary>Most bytes of a torn line kept: a torn line is one record's worth; more means the file was not ours.</summary>
    private const int MaxPartialLine = 4 * 1024 * 1024;
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private FileStream? _stream;

    public string Path { get; } = path;

    /// <summary><c>decisions.jsonl</c> → <c>decisions.deadletter.jsonl</c>, in the same folder.</summary>
    public static string PathFor(string logPath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(logPath)!, System.IO.Path.GetFileNameWithoutExtension(logPath) + ".deadletter.jsonl");

    /// <summary>
    /// Opens <paramref name="path"/> for appending, created with mode 0600 on Unix: the logs hold patient data and are
    /// for the service account only. (An existing file keeps the mode it has.)
    /// </summary>
    public static FileStream OpenAppend(string path, int bufferSize)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>A record the log could not take: <paramref name="reason"/> is <c>unserializable</c> or <c>unwritable</c>.</summary>
    public void WriteRecord(string reason, string kind, string? requestId, Exception error, byte[]? keptRecord) =>
        WriteEntry(reason, kind, requestId, $"{error.GetType().Name}: {error.Message}", keptRecord, partialLine: null, offset: null);

    /// <summary>The bytes after the last complete line of the log, found at <paramref name="offset"/> when it was opened.</summary>
    public void WriteTornTail(ReadOnlySpan<byte> tail, long offset)
    {
        var kept = tail.Length > MaxPartialLine ? tail[..MaxPartialLine] : tail;
        var error = tail.Length > MaxPartialLine ? $"torn last line of {tail.Length} bytes; the first {MaxPartialLine} kept" : "torn last line (no final newline)";
        WriteEntry("torn-tail", kind: null, requestId: null, error, keptRecord: null, Encoding.UTF8.GetString(kept), offset);
    }

    public void Dispose() => _stream?.Dispose();

    private void WriteEntry(string reason, string? kind, string? requestId, string error, byte[]? keptRecord, string? partialLine, long? offset)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line, DecisionJsonContext.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("setAsideAt", DateTimeOffset.UtcNow);
            json.WriteString("reason", reason);
            if (kind is not null)
            {
                json.WriteString("kind", kind);
            }

            if (requestId is not null)
            {
                json.WriteString("requestId", requestId);
            }

            json.WriteString("error", error);
            if (offset is { } at)
            {
                json.WriteNumber("offset", at);
            }

            if (partialLine is not null)
            {
                json.WriteString("partialLine", partialLine);
            }

            if (keptRecord is not null)
            {
                json.WritePropertyName("record");
                json.WriteRawValue(keptRecord, skipInputValidation: true);
            }

            json.WriteEndObject();
        }

        _line.Write("\n"u8);
        _stream ??= OpenAppend(Path, bufferSize: 0);
        _stream.Write(_line.WrittenSpan);
        _stream.Flush(flushToDisk: true);
    }
}
