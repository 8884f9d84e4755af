using Confluent.Kafka;

namespace SmartAudit.Kafka.Compliance;

/// <summary>
/// Reads a topic once, every partition, from the first record at or after a time (or from its start) to the end
/// the topic had when reading began. Records arrive in offset order within each partition (the order a key's
/// records were written), interleaved across partitions. Used by the compliance figures and the case rebuild.
/// </summary>
internal static class TopicReader
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <returns>Records read.</returns>
    /// <exception cref="KafkaException">The topic does not exist or the cluster did not answer.</exception>
    public static long Read(IConsumer<string, byte[]> consumer, string topic, DateTimeOffset since,
        Action<ConsumeResult<string, byte[]>> onRecord, CancellationToken cancellationToken)
    {
        var remaining = Assign(consumer, topic, (partition, low) => StartOffset(consumer, partition, since, low));
        long read = 0;
        try
        {
            while (remaining.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Next(consumer, remaining) is { } record)
                {
                    onRecord(record);
                    read++;
                }
            }
        }
        finally
        {
            consumer.Unassign();
        }

        return read;
    }

    /// <summary>
    /// Reads the whole topic from its start, handing records over in batches of up to <paramref name="batchSize"/>;
    /// the next batch is read only once <paramref name="onBatch"/> is done with this one. The blocking consumer
    /// calls run on the thread pool, between the awaits.
    /// </summary>
    /// <returns>Records read.</returns>
    /// <exception cref="KafkaException">The topic does not exist or the cluster did not answer.</exception>
    public static async Task<long> ReadAllAsync(IConsumer<string, byte[]> consumer, string topic, int batchSize,
        Func<IReadOnlyList<ConsumeResult<string, byte[]>>, CancellationToken, Task> onBatch, CancellationToken cancellationToken)
    {
        var remaining = await Task.Run(() => Assign(consumer, topic, (_, low) => low), cancellationToken);
        long read = 0;
        try
        {
            while (remaining.Count > 0)
            {
                var batch = await Task.Run(() => Fill(consumer, remaining, batchSize, cancellationToken), cancellationToken);
                if (batch.Count > 0)
                {
                    await onBatch(batch, cancellationToken);
                    read += batch.Count;
                }
            }
        }
        finally
        {
            consumer.Unassign();
        }

        return read;
    }

    /// <summary>Assigns every non-empty partition at its start offset; returns partition → end offset still to reach.</summary>
    private static Dictionary<int, long> Assign(IConsumer<string, byte[]> consumer, string topic, Func<TopicPartition, Offset, Offset> startAt)
    {
        var remaining = new Dictionary<int, long>();
        var start = new List<TopicPartitionOffset>();
        foreach (var partition in Partitions(consumer, topic))
        {
            var marks = consumer.QueryWatermarkOffsets(partition, RequestTimeout);
            if (marks.High.Value <= marks.Low.Value)
            {
                continue;
            }

            remaining[partition.Partition.Value] = marks.High.Value;
            start.Add(new TopicPartitionOffset(partition, startAt(partition, marks.Low)));
        }

        if (start.Count > 0)
        {
            consumer.Assign(start);
        }

        return remaining;
    }

    private static List<ConsumeResult<string, byte[]>> Fill(IConsumer<string, byte[]> consumer, Dictionary<int, long> remaining, int batchSize,
        CancellationToken cancellationToken)
    {
        var batch = new List<ConsumeResult<string, byte[]>>(Math.Min(batchSize, 4096));
        while (remaining.Count > 0 && batch.Count < batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Next(consumer, remaining) is { } record)
            {
                batch.Add(record);
            }
        }

        return batch;
    }

    /// <summary>The next record before its partition's end, or null; forgets partitions once their end is reached.</summary>
    private static ConsumeResult<string, byte[]>? Next(IConsumer<string, byte[]> consumer, Dictionary<int, long> remaining)
    {
        var result = consumer.Consume(Poll);
        if (result is null || !remaining.TryGetValue(result.Partition.Value, out var end))
        {
            return null;
        }

        if (result.Offset.Value + (result.IsPartitionEOF ? 0 : 1) >= end)
        {
            remaining.Remove(result.Partition.Value);
        }

        return !result.IsPartitionEOF && result.Offset.Value < end ? result : null;
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
