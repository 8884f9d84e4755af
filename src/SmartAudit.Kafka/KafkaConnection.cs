using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace SmartAudit.Kafka;

/// <summary>
/// How every client of the service reaches the cluster (brokers, security protocol, SASL, TLS), from
/// <see cref="KafkaOptions"/>: producers, the compliance reader and the POST worker's consumers alike.
/// </summary>
internal static class KafkaConnection
{
    /// <summary>Sets the bootstrap servers, the client id and the security settings on <paramref name="config"/>.</summary>
    public static T Apply<T>(T config, KafkaOptions options, string name)
        where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.BootstrapServers = options.BootstrapServers;
        config.ClientId = $"{options.ClientId}-{name}";
        config.Set("security.protocol", options.SecurityProtocol);
        SetIfGiven(config, "sasl.mechanism", options.SaslMechanism);
        SetIfGiven(config, "sasl.username", options.SaslUsername);
        SetIfGiven(config, "sasl.password", options.SaslPassword);
        SetIfGiven(config, "ssl.ca.location", options.SslCaLocation);
        SetIfGiven(config, "ssl.certificate.location", options.SslCertificateLocation);
        SetIfGiven(config, "ssl.key.location", options.SslKeyLocation);
        SetIfGiven(config, "ssl.key.password", options.SslKeyPassword);
        return config;
    }

    /// <summary>A consumer that reads by assignment only (no group membership, no commits), logging through <paramref name="logger"/>.</summary>
    public static IConsumer<string, byte[]> Reader(KafkaOptions options, string name, ILogger logger)
    {
        var config = Apply(new ConsumerConfig
        {
            GroupId = $"{options.ClientId}-{name}-{Guid.NewGuid():N}", // required by the client; never joined, never committed
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }, options, name);
        return new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(logger, LevelOf(message.Level), config.ClientId, message.Facility, message.Message))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(logger, config.ClientId, error.Code.ToString(), error.Reason))
            .Build();
    }

    public static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Critical => LogLevel.Error,
        <= SyslogLevel.Warning => LogLevel.Warning,
        <= SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    private static void SetIfGiven(ClientConfig config, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            config.Set(key, value);
        }
    }
}
