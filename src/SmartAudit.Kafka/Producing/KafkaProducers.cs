using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace SmartAudit.Kafka.Producing;

/// <summary>
/// Builds the log's producers from <see cref="KafkaOptions"/>: idempotent, <c>acks=all</c>, a few
/// milliseconds of linger and lz4 batches by default, librdkafka's own logging routed to
/// <see cref="ILogger"/> instead of standard error.
/// </summary>
internal static class KafkaProducers
{
    /// <param name="options">The section's options.</param>
    /// <param name="name">Suffix of the client id, to tell the producers apart in broker logs.</param>
    /// <param name="messageTimeoutMs">How long a record may wait for the cluster; 0 waits for ever.</param>
    public static ProducerConfig Config(KafkaOptions options, string name, int messageTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = KafkaConnection.Apply(new ProducerConfig
        {
            LingerMs = options.LingerMs,
            MessageTimeoutMs = messageTimeoutMs,
        }, options, name);
        config.Set("compression.type", options.Compression);
        foreach (var (key, value) in options.Producer)
        {
            config.Set(key, value);
        }

        // The guarantees the log is built on, whatever the extra properties said.
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        return config;
    }

    public static IProducer<string, byte[]> Build(ProducerConfig config, ILogger logger, Action<Error> onError) =>
        new ProducerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) => onError(error))
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(logger, KafkaConnection.LevelOf(message.Level), config.ClientId, message.Facility, message.Message))
            .Build();
}
