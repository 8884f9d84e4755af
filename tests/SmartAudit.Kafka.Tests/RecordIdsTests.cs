using SmartAudit.Kafka.Producing;

namespace SmartAudit.Kafka.Tests;

/// <summary>The record ids consumers deduplicate on: UUID version 7, the record's time first, never repeated.</summary>
public sealed class RecordIdsTests
{
    [Fact]
    public void Next_IsAVersion7UuidWhosePrefixIsTheRecordsTime()
    {
        var at = new DateTimeOffset(2026, 11, 23, 9, 30, 15, 123, TimeSpan.Zero);

        var id = Guid.Parse(new RecordIds().Next(at.ToUnixTimeMilliseconds()));

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2); // RFC 9562 variant: the top two bits are 10
        var bytes = id.ToByteArray(bigEndian: true);
        var millis = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(at.ToUnixTimeMilliseconds(), millis);
    }

    [Fact]
    public void Next_ManyIdsInTheSameMillisecondFromSeveralThreads_AreAllDistinct()
    {
        // Far more than one buffer of random bits (256 ids), all with the same time: only the random part differs.
        var ids = new RecordIds();
        var all = new string[4][];
        Parallel.For(0, 4, t => all[t] = [.. Enumerable.Range(0, 5000).Select(_ => ids.Next(1_790_000_000_000))]);

        Assert.Equal(20_000, all.SelectMany(a => a).Distinct().Count());
    }

    [Fact]
    public void Next_LaterRecordsSortAfterEarlierOnes()
    {
        var ids = new RecordIds();

        var earlier = ids.Next(1_790_000_000_000);
        var later = ids.Next(1_790_000_000_001);

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }
}
