using Confluent.Kafka;

namespace SmartAudit.Kafka.Compliance;

/// <summary>
/// Reads a topic once, every partition, from the first record at or after a time to the end the topic had
/// when reading began. Records arrive in offset order within each partition (the order a key's records
/// were written), interleaved across partitions.
/// </summary>
internal static class TopicReader
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <returns>Records read.</returns>
    /// <exception cref="KafkaException">The topic does not exist or the cluster did not answer.</exception>
    public static long Read(IConsumer<string, byte[]> consumer, string topic, DateTimeOffset since,
        Action<ConsumeResult<string, byte[]>> onRecord, CancellationToken cancellationToken)
    {
        var remaining = new Dictionary<int, long>(); // partition → end offset still to reach
        var start = new List<TopicPartitionOffset>();
        foreach (var partition in Partitions(consumer, topic))
        {
            var marks = consumer.QueryWatermarkOffsets(partition, RequestTimeout);
            if (marks.High.Value <= marks.Low.Value)
            {
                continue;
            }

            remaining[partition.Partition.Value] = marks.High.Value;
            start.Add(new TopicPartitionOffset(partition, StartOffset(consumer, partition, since, marks.Low)));
        }

        if (start.Count == 0)
        {
            return 0;
        }

        consumer.Assign(start);
        long read = 0;
        try
        {
            while (remaining.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null || !remaining.TryGetValue(result.Partition.Value, out var end))
                {
                    continue;
                }

                if (!result.IsPartitionEOF && result.Offset.Value < end)
                {
                    onRecord(result);
                    read++;
                }

                if (result.Offset.Value + (result.IsPartitionEOF ? 0 : 1) >= end)
                {
                    remaining.Remove(result.Partition.Value);
                }
            }
        }
        finally
        {
            consumer.Unassign();
        }

        return read;
    }

    private static List<TopicPartition> Partitions(IConsumer<string, byte[]> consumer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, RequestTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError)
        {
            throw new KafkaException(metadata?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"topic {topic} not found"));
        }

        return [.. metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(tp => tp.Partition.Value)];
    }

    /// <summary>
    /// The first offset at or after <paramref name="since"/>. A cluster that cannot look offsets up by time
    /// (librdkafka's mock) answers "end": then the partition is read from its start, which is slower, never wrong,
    /// as callers filter by time anyway.
    /// </summary>
    private static Offset StartOffset(IConsumer<string, byte[]> consumer, TopicPartition partition, DateTimeOffset since, Offset low)
    {
        var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(partition, new Timestamp(since.UtcDateTime))], RequestTimeout).Single();
        return found.Offset.Value < 0 ? low : found.Offset;
    }
}
