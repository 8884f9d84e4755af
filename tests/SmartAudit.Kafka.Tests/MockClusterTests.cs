using Confluent.Kafka;
using SmartAudit.Testing;

namespace SmartAudit.Kafka.Tests;

public class MockClusterTests
{
    [Fact]
    public void MockCluster_AndConfluentKafka_ShareOneNativeLibrary()
    {
        using var cluster = new KafkaMockCluster();
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        var mapped = KafkaMockCluster.MappedLibraries();

        Assert.Equal([KafkaMockCluster.LibraryPath], mapped);
    }

    [Fact]
    public void MockCluster_ProduceThenRead_ReturnsTheRecord()
    {
        using var cluster = new KafkaMockCluster();
        cluster.CreateTopic("t", 2);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        producer.Produce("t", new Message<string, string> { Key = "k", Value = "v" });
        producer.Flush(TimeSpan.FromSeconds(10));
        var records = cluster.ReadAll("t", 2, 1);

        Assert.Equal("k", Assert.Single(records).Message.Key);
    }
}
