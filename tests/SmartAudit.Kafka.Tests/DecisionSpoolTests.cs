using System.Text;
using SmartAudit.Kafka.Spool;

namespace SmartAudit.Kafka.Tests;

/// <summary>The spool on its own: order, durability across a restart, torn writes, partial replays.</summary>
public sealed class DecisionSpoolTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"smartaudit-spool-test-{Guid.NewGuid():N}");

    [Fact]
    public void Append_ThenReopened_RecordsReadBackInOrderWithTheirExactBytes()
    {
        using (var spool = new DecisionSpool(_folder, segmentRecords: 3))
        {
            for (var i = 0; i < 7; i++)
            {
                spool.Append(Record(i));
            }

            spool.Flush();
        }

        using var reopened = new DecisionSpool(_folder, segmentRecords: 3);
        var spooled = reopened.Records;
        var read = ReadAll(reopened);

        Assert.Equal(7, spooled);
        Assert.Empty(Directory.GetFiles(_folder, "*.jsonl")); // every replayed segment is deleted
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"R{i}"), read.Select(r => r.RecordId));
        Assert.Equal(Record(4).Value, read[4].Value);
        Assert.Equal("P4", read[4].Key);
        Assert.Equal(Record(4).TimestampMs, read[4].TimestampMs);
    }

    [Fact]
    public void Read_TornLastLine_IsCountedUnreadableAndSkipped()
    {
        using (var spool = new DecisionSpool(_folder, segmentRecords: 100))
        {
            spool.Append(Record(1));
            spool.Flush();
        }

        var file = Directory.GetFiles(_folder, "*.jsonl").Single();
        File.AppendAllText(file, """{"topic":"t","key":"P2","sch""");
        using var reopened = new DecisionSpool(_folder, segmentRecords: 100);

        var read = DecisionSpool.Read(reopened.SealHead()!, out var unreadable);

        Assert.Equal(["R1"], read.Select(r => r.RecordId));
        Assert.Equal(1, unreadable);
    }

    [Fact]
    public void AppendRetry_AfterReserving_ReplaysBeforeRecordsAppendedEarlier()
    {
        using var spool = new DecisionSpool(_folder, segmentRecords: 100);
        spool.ReserveRetrySegment();
        spool.Append(Record(2)); // spooled once the outage was noticed
        spool.AppendRetry(Record(1)); // older, failed in flight afterwards
        spool.Flush();
        Assert.Null(spool.SealHead()); // the retry segment is still open: nothing may be replayed yet

        spool.SealRetrySegment();

        Assert.Equal(["R1", "R2"], ReadAll(spool).Select(r => r.RecordId));
    }

    [Fact]
    public void Replayed_PartOfASegment_KeepsOnlyTheRemainingRecords()
    {
        using var spool = new DecisionSpool(_folder, segmentRecords: 100);
        for (var i = 0; i < 4; i++)
        {
            spool.Append(Record(i));
        }

        var head = spool.SealHead()!;
        var records = DecisionSpool.Read(head, out _);

        spool.Replayed(head, [records[2], records[3]]);

        Assert.Equal(2, spool.Records);
        Assert.Equal(["R2", "R3"], ReadAll(spool).Select(r => r.RecordId));
        Assert.True(spool.IsEmpty);
    }

    [Fact]
    public void Append_NewSegment_CreatedReadableByTheServiceAccountOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        using (var spool = new DecisionSpool(_folder, segmentRecords: 3))
        {
            spool.Append(Record(0));
            spool.Flush();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Assert.Single(Directory.GetFiles(_folder, "*.jsonl"))));
    }

    [Fact]
    public void DirectorySync_ExistingFolder_Synced()
    {
        Directory.CreateDirectory(_folder);

        Assert.Equal(!OperatingSystem.IsWindows(), DirectorySync.Flush(_folder));
        Assert.False(DirectorySync.Flush(Path.Combine(_folder, "missing")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Replays (and forgets) every segment, as the replayer would with a cluster that takes everything.</summary>
    private static List<OutboundRecord> ReadAll(DecisionSpool spool)
    {
        var all = new List<OutboundRecord>();
        while (spool.SealHead() is { } segment)
        {
            all.AddRange(DecisionSpool.Read(segment, out _));
            spool.Replayed(segment, []);
        }

        return all;
    }

    private static OutboundRecord Record(int i) => new(i, "smartaudit.decisions.v1", $"P{i}", "smartaudit.decision.v1", $"R{i}",
        1_773_100_000_000 + i, Encoding.UTF8.GetBytes($$"""{"requestId":"R{{i}}","message":"\u975E {{i}}","n":[1,2.5,null]}"""));
}
