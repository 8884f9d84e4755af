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
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = $"{options.ClientId}-{name}",
            LingerMs = options.LingerMs,
            MessageTimeoutMs = messageTimeoutMs,
        };
        config.Set("compression.type", options.Compression);
        config.Set("security.protocol", options.SecurityProtocol);
        SetIfGiven(config, "sasl.mechanism", options.SaslMechanism);
        SetIfGiven(config, "sasl.username", options.SaslUsername);
        SetIfGiven(config, "sasl.password", options.SaslPassword);
        SetIfGiven(config, "ssl.ca.location", options.SslCaLocation);
        SetIfGiven(config, "ssl.certificate.location", options.SslCertificateLocation);
        SetIfGiven(config, "ssl.key.location", options.SslKeyLocation);
        SetIfGiven(config, "ssl.key.password", options.SslKeyPassword);
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
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(logger, LevelOf(message.Level), config.ClientId, message.Facility, message.Message))
            .Build();

    private static void SetIfGiven(ProducerConfig config, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            config.Set(key, value);
        }
    }

    private static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Critical => LogLevel.Error,
        <= SyslogLevel.Warning => LogLevel.Warning,
        <= SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
