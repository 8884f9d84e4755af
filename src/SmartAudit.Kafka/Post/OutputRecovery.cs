using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// What a worker that stopped without committing (killed, crashed, out of the group) had already
/// published. The output for claims partition <c>p</c> goes only to partition <c>p</c> of the cases and
/// rejected topics, in claim order, each record naming its claim's offset in a header. So the records
/// about claims at or after the committed offset sit at the end of those partitions: reading backwards
/// from the end until a record about an earlier claim turns up finds them all. Their claims are not
/// published again, and every other claim of the batch is. No transaction is needed, and the scan reads
/// about one batch.
/// </summary>
internal sealed class OutputRecovery(IConsumer<string, byte[]> reader, IReadOnlyList<string> outputTopics, int batchSize)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Offsets of the claims of <paramref name="partition"/> at or after <paramref name="committed"/> that already have their output.</summary>
    public HashSet<long> PublishedSince(int partition, long committed)
    {
        var published = new HashSet<long>();
        foreach (var topic in outputTopics)
        {
            Scan(new TopicPartition(topic, partition), committed, published);
        }

        return published;
    }

    private void Scan(TopicPartition output, long committed, HashSet<long> published)
    {
        var marks = reader.QueryWatermarkOffsets(output, RequestTimeout);
        var end = marks.High.Value;
        long chunk = Math.Max(64, 2L * batchSize);
        while (end > marks.Low.Value)
        {
            var from = Math.Max(marks.Low.Value, end - chunk);
            if (ReadRange(output, from, end, committed, published) || from == marks.Low.Value)
            {
                return;
            }

            end = from;
            chunk *= 2;
        }
    }

    /// <summary>Reads [<paramref name="from"/>, <paramref name="to"/>); true when it met output about a claim before <paramref name="committed"/>.</summary>
    private bool ReadRange(TopicPartition output, long from, long to, long committed, HashSet<long> published)
    {
        var deadline = DateTime.UtcNow + ReadTimeout;
        var older = false;
        reader.Assign(new TopicPartitionOffset(output, from));
        try
        {
            while (true)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"reading {output.Topic} [{output.Partition.Value}] offsets {from}-{to} took longer than {ReadTimeout}");
                }

                var record = reader.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null)
                {
                    continue;
                }

                if (record.IsPartitionEOF || record.Offset.Value >= to)
                {
                    return older;
                }

                if (ClaimOf(record) is { } claim && claim.Partition == output.Partition.Value)
                {
                    if (claim.Offset >= committed)
                    {
                        published.Add(claim.Offset);
                    }
                    else
                    {
                        older = true;
                    }
                }

                if (record.Offset.Value + 1 >= to)
                {
                    return older;
                }
            }
        }
        finally
        {
            reader.Unassign();
        }
    }

    private static (int Partition, long Offset)? ClaimOf(ConsumeResult<string, byte[]> record)
    {
        var headers = record.Message.Headers;
        if (headers is null
            || !headers.TryGetLastBytes(ClaimOutput.ClaimPartitionHeader, out var partition)
            || !headers.TryGetLastBytes(ClaimOutput.ClaimOffsetHeader, out var offset)
            || !int.TryParse(Encoding.UTF8.GetString(partition), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            || !long.TryParse(Encoding.UTF8.GetString(offset), NumberStyles.None, CultureInfo.InvariantCulture, out var o))
        {
            return null;
        }

        return (p, o);
    }
}
