using Microsoft.Extensions.Logging.Abstractions;
using SmartAudit.Kafka.Producing;

namespace SmartAudit.Kafka.Tests;

public class KafkaProducersTests
{
    [Fact]
    public void Config_SaslSslWithScram_AcceptedByTheShippedLibrdkafka()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = "127.0.0.1:1",
            SecurityProtocol = "sasl_ssl",
            SaslMechanism = "SCRAM-SHA-512",
            SaslUsername = "smartaudit",
            SaslPassword = "secret",
            Compression = "zstd",
        };

        using var producer = KafkaProducers.Build(KafkaProducers.Config(options, "live", 1000), NullLogger.Instance, _ => { });

        Assert.Equal("smartaudit-live", producer.Name.Split('#')[0]);
    }

    [Fact]
    public void Config_ExtraPropertiesTryToWeakenDelivery_GuaranteesStay()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1" };
        options.Producer["enable.idempotence"] = "false";
        options.Producer["acks"] = "1";
        options.Producer["socket.keepalive.enable"] = "true";

        var config = KafkaProducers.Config(options, "live", 1000);

        Assert.True(config.EnableIdempotence);
        Assert.Equal(Confluent.Kafka.Acks.All, config.Acks);
        Assert.Equal("true", config.Get("socket.keepalive.enable"));
    }
}
