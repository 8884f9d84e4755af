using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace SmartAudit.Testing;

/// <summary>
/// librdkafka's built-in mock Kafka cluster, in process, on loopback ports: real Kafka protocol
/// (idempotent produce, fetch, metadata), no broker to install. Brokers can be taken down and brought
/// back to simulate an outage. Each instance is its own cluster, so tests do not share state.
/// Limits to remember: a partition keeps about 5 MB and drops older records past it; transactions are
/// accepted but not honoured (no transactional offsets, aborted records visible); offsets cannot be looked
/// up by time.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private readonly nint _handle;
    private readonly nint _cluster;
    private bool _disposed;

    /// <param name="brokers">Brokers in the cluster; their ids are 1..<paramref name="brokers"/>.</param>
    public KafkaMockCluster(int brokers = 1)
    {
        Brokers = brokers;
        _handle = RdKafka.NewClientForMock();
        _cluster = RdKafka.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == 0)
        {
            RdKafka.rd_kafka_destroy(_handle);
            throw new InvalidOperationException("librdkafka could not create a mock cluster");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(RdKafka.rd_kafka_mock_cluster_bootstraps(_cluster))!;
    }

    public int Brokers { get; }

    /// <summary>The <c>host:port,…</c> list clients bootstrap from.</summary>
    public string BootstrapServers { get; }

    /// <summary>The librdkafka build the cluster runs on: the same file Confluent.Kafka loaded.</summary>
    public static string LibraryPath => RdKafka.LibraryPath;

    /// <summary>Every librdkafka file mapped into this process: one, if everyone shares the same build.</summary>
    public static IReadOnlyList<string> MappedLibraries() => RdKafka.MappedLibraries();

    public void CreateTopic(string topic, int partitions)
    {
        var error = RdKafka.rd_kafka_mock_topic_create(_cluster, topic, partitions, 1);
        if (error != 0)
        {
            throw new InvalidOperationException($"creating mock topic {topic}: librdkafka error {error}");
        }
    }

    /// <summary>Every broker drops its connections and refuses new ones: the cluster is unreachable.</summary>
    public void TakeDown()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            Check(RdKafka.rd_kafka_mock_broker_set_down(_cluster, id), "down", id);
        }
    }

    /// <summary>Every broker accepts connections again.</summary>
    public void BringUp()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            Check(RdKafka.rd_kafka_mock_broker_set_up(_cluster, id), "up", id);
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> requests of the Kafka API <paramref name="apiKey"/> (0 Produce, 8 OffsetCommit, …)
    /// are answered with <paramref name="error"/>, a Kafka protocol error code, whichever client sends them.
    /// </summary>
    public void FailNextRequests(short apiKey, int error, int count = 1) =>
        RdKafka.rd_kafka_mock_push_request_errors_array(_cluster, apiKey, (nuint)count, [.. Enumerable.Repeat(error, count)]);

    /// <summary>
    /// Every record on <paramref name="topic"/>, partition by partition in offset order: waits until the
    /// partitions hold at least <paramref name="atLeast"/> records (or <paramref name="timeout"/> passes),
    /// then reads each partition up to its high watermark, so a duplicate beyond the expected count is
    /// read too.
    /// </summary>
    public List<ConsumeResult<string, byte[]>> ReadAll(string topic, int partitions, int atLeast, TimeSpan? timeout = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var topicPartitions = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        long[] high;
        while (true)
        {
            high = [.. topicPartitions.Select(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value)];
            if (high.Sum() >= atLeast || DateTime.UtcNow > deadline)
            {
                break;
            }

            Thread.Sleep(50);
        }

        consumer.Assign(topicPartitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var records = new List<ConsumeResult<string, byte[]>>();
        var position = new long[partitions];
        while (Enumerable.Range(0, partitions).Any(p => position[p] < high[p]) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false } && result.Offset.Value < high[result.Partition.Value])
            {
                records.Add(result);
                position[result.Partition.Value] = result.Offset.Value + 1;
            }
        }

        consumer.Close();
        return records;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        RdKafka.rd_kafka_mock_cluster_destroy(_cluster);
        RdKafka.rd_kafka_destroy(_handle);
    }

    private static void Check(int error, string what, int broker)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"setting mock broker {broker} {what}: librdkafka error {error}");
        }
    }
}
