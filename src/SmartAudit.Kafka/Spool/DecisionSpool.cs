using System.Buffers;
using System.Globalization;

namespace SmartAudit.Kafka.Spool;

/// <summary>
/// The durable spool: a folder of append-only segment files (<c>0000000000000001.jsonl</c>, …), one JSON
/// line per record, replayed oldest segment first and line by line, so the spool's order is the order
/// records were appended in. Writes are fsynced per batch (<see cref="Flush"/>); a replayed segment is
/// deleted once every record in it was acknowledged, or rewritten (temporary file, fsync, atomic rename)
/// with the records that were not; the folder is fsynced after a segment is created, renamed or deleted, so
/// the set of segments survives a power cut too. Segment files are created with mode 0600 on Unix. Not thread-safe: the owner serialises every call except
/// <see cref="Read"/> of a sealed segment.
/// </summary>
internal sealed class DecisionSpool : IDisposable
{
    private const string Extension = ".jsonl";
    private readonly string _directory;
    private readonly int _segmentRecords;
    private readonly SortedDictionary<long, SpoolSegment> _segments = [];
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private SpoolSegment? _tail;
    private SpoolSegment? _retry;
    private long _nextNumber = 1;
    private long _records;
    private bool _closed;

    public DecisionSpool(string directory, int segmentRecords)
    {
        _directory = directory;
        _segmentRecords = segmentRecords;
        Directory.CreateDirectory(directory);
        foreach (var leftover in Directory.EnumerateFiles(directory, "*" + Extension + ".tmp"))
        {
            File.Delete(leftover); // a rewrite that never got renamed: the original is intact
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                var segment = new SpoolSegment(number, file) { Records = CountLines(file) };
                _segments.Add(number, segment);
                _records += segment.Records;
                _nextNumber = Math.Max(_nextNumber, number + 1);
            }
        }
    }

    public string DirectoryPath => _directory;

    /// <summary>Records in the spool not yet acknowledged by the cluster.</summary>
    public long Records => Interlocked.Read(ref _records);

    public bool IsEmpty => _segments.Count == 0;

    /// <summary>
    /// Keeps a segment for records that were in flight when an outage began and fail later: they are
    /// older than anything spooled from now on, so they get a segment number before the next tail's.
    /// </summary>
    public void ReserveRetrySegment()
    {
        _retry ??= new SpoolSegment(_nextNumber++, null);
        Seal(ref _tail);
    }

    /// <summary>Closes the retry segment: everything that was in flight has been accounted for.</summary>
    public void SealRetrySegment() => Seal(ref _retry);

    public void Append(OutboundRecord record)
    {
        if (_tail is null || _tail.Records >= _segmentRecords)
        {
            Seal(ref _tail);
            _tail = new SpoolSegment(_nextNumber++, null);
        }

        Write(_tail, record);
    }

    public void AppendRetry(OutboundRecord record)
    {
        if (_retry is null)
        {
            ReserveRetrySegment();
        }

        Write(_retry!, record);
    }

    /// <summary>Writes buffered lines through to the disk (fsync). After <see cref="Dispose"/>, closes them too.</summary>
    public void Flush()
    {
        foreach (var segment in (ReadOnlySpan<SpoolSegment?>)[_retry, _tail])
        {
            segment?.Writer?.Flush(flushToDisk: true);
        }

        if (_closed)
        {
            Seal(ref _retry);
            Seal(ref _tail);
        }
    }

    /// <summary>The oldest segment, closed for writing so it can be read and replayed; null when the spool is empty.</summary>
    public SpoolSegment? SealHead()
    {
        using var first = _segments.Values.GetEnumerator();
        if (!first.MoveNext())
        {
            return null;
        }

        var head = first.Current;
        if (ReferenceEquals(head, _tail))
        {
            Seal(ref _tail);
        }

        return ReferenceEquals(head, _retry) ? null : head;
    }

    /// <summary>The records of a sealed segment, in order. Torn or unreadable lines are counted, not returned.</summary>
    public static List<OutboundRecord> Read(SpoolSegment segment, out int unreadable)
    {
        var bytes = File.ReadAllBytes(segment.Path!);
        var records = new List<OutboundRecord>(segment.Records);
        unreadable = 0;
        var rest = bytes.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            if (OutboundRecord.ParseSpoolLine(line, records.Count) is { } record)
            {
                records.Add(record);
            }
            else
            {
                unreadable++;
            }
        }

        return records;
    }

    /// <summary>Forgets a replayed segment: <paramref name="remaining"/> are its records the cluster did not take.</summary>
    public void Replayed(SpoolSegment segment, IReadOnlyList<OutboundRecord> remaining)
    {
        Interlocked.Add(ref _records, remaining.Count - segment.Records);
        if (remaining.Count == 0)
        {
            File.Delete(segment.Path!);
            DirectorySync.Flush(_directory); // else a power cut can bring the replayed segment back (replayed twice)
            _segments.Remove(segment.Number);
            return;
        }

        var temporary = segment.Path + ".tmp";
        using (var stream = OpenSegment(temporary, FileMode.Create))
        {
            foreach (var record in remaining)
            {
                WriteLine(stream, record);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, segment.Path!, overwrite: true);
        DirectorySync.Flush(_directory); // the rename itself is durable only once the folder is synced
        segment.Records = remaining.Count;
    }

    public void Dispose()
    {
        _closed = true;
        Seal(ref _retry);
        Seal(ref _tail);
    }

    private void Write(SpoolSegment segment, OutboundRecord record)
    {
        if (segment.Writer is null)
        {
            segment.Path ??= Path.Combine(_directory, segment.Number.ToString("D16", CultureInfo.InvariantCulture) + Extension);
            segment.Writer = OpenSegment(segment.Path);
            DirectorySync.Flush(_directory); // the new segment's name survives a power cut, not only its bytes
            _segments.TryAdd(segment.Number, segment);
        }

        WriteLine(segment.Writer, record);
        segment.Records++;
        Interlocked.Increment(ref _records);
    }

    private void WriteLine(Stream stream, OutboundRecord record)
    {
        _line.ResetWrittenCount();
        record.WriteSpoolLine(_line);
        stream.Write(_line.WrittenSpan);
    }

    /// <summary>A segment file, created with mode 0600 on Unix: the spool holds patient data, for the service account only.</summary>
    private static FileStream OpenSegment(string path, FileMode mode = FileMode.Append)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 64 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    private static void Seal(ref SpoolSegment? segment)
    {
        if (segment?.Writer is { } writer)
        {
            writer.Flush(flushToDisk: true);
            writer.Dispose();
            segment.Writer = null;
        }

        segment = null;
    }

    private static int CountLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[64 * 1024];
        var count = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return count;
    }
}

/// <summary>One spool file: its number (the replay order), path once written, and record count.</summary>
internal sealed class SpoolSegment(long number, string? path)
{
    public long Number { get; } = number;

    public string? Path { get; set; } = path;

    public int Records { get; set; }

    public FileStream? Writer { get; set; }
}
