using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Kafka;

/// <summary>
/// The Kafka decision log (section <c>Kafka</c>): where decisions, feedback and case decisions are produced, how to reach
/// and authenticate to the cluster, and where records wait on disk when the cluster cannot take them.
/// The log is used only when <see cref="BootstrapServers"/> is set; otherwise the server keeps the
/// embedded JSON-lines log. Secrets (<see cref="SaslPassword"/>, <see cref="SslKeyPassword"/>) belong in
/// environment variables (<c>Kafka__SaslPassword</c>) from the deployment's secret store, never in files.
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list of brokers to bootstrap from. Required; no default.</summary>
    [Required]
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Topic for decision records, keyed by patient id. Default <c>smartaudit.decisions.v1</c>.</summary>
    [Required]
    public string DecisionsTopic { get; set; } = "smartaudit.decisions.v1";

    /// <summary>Topic for doctor feedback records, keyed by request id. Default <c>smartaudit.feedback.v1</c>.</summary>
    [Required]
    public string FeedbackTopic { get; set; } = "smartaudit.feedback.v1";

    /// <summary>
    /// Topic for the fraud team's decisions on cases (<c>smartaudit.case-decision.v1</c>), keyed by case id so a
    /// case's decisions stay in order. Default <c>smartaudit.case-decisions.v1</c>.
    /// </summary>
    [Required]
    public string CaseDecisionsTopic { get; set; } = "smartaudit.case-decisions.v1";

    /// <summary>
    /// Folder of the durable spool: records the cluster could not take, replayed in order when it is back.
    /// Default <c>var/kafka-spool</c> under the working directory. It holds patient data: keep it on local
    /// disk readable by the service account only.
    /// </summary>
    [Required]
    public string SpoolPath { get; set; } = "var/kafka-spool";

    /// <summary>Records held in memory waiting for the producer loop. Default 65,536. Past it, records go to the spool.</summary>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>Records per spool segment file, which is also the replay batch. Default 4,096.</summary>
    [Range(1, 1_000_000)]
    public int SpoolSegmentRecords { get; set; } = 4_096;

    /// <summary>Client id the brokers see in their logs and quotas. Default <c>smartaudit</c>.</summary>
    [Required]
    public string ClientId { get; set; } = "smartaudit";

    /// <summary>
    /// <c>plaintext</c>, <c>ssl</c>, <c>sasl_plaintext</c> or <c>sasl_ssl</c> (librdkafka's
    /// <c>security.protocol</c>). Default <c>plaintext</c>; production clusters use <c>sasl_ssl</c>.
    /// </summary>
    [RegularExpression("(?i)^(plaintext|ssl|sasl_plaintext|sasl_ssl)$")]
    public string SecurityProtocol { get; set; } = "plaintext";

    /// <summary>
    /// <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c> or <c>OAUTHBEARER</c> (librdkafka's
    /// <c>sasl.mechanism</c>) when <see cref="SecurityProtocol"/> is a SASL one. Default: none.
    /// </summary>
    [RegularExpression("^(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512|OAUTHBEARER)$")]
    public string? SaslMechanism { get; set; }

    /// <summary>SASL user name. Default: none.</summary>
    public string? SaslUsername { get; set; }

    /// <summary>SASL password. Default: none. Pass it as the environment variable <c>Kafka__SaslPassword</c>.</summary>
    public string? SaslPassword { get; set; }

    /// <summary>
    /// PEM file of the CA certificates that sign the brokers' certificates (<c>ssl.ca.location</c>).
    /// Default: none, which means the system's CA store.
    /// </summary>
    public string? SslCaLocation { get; set; }

    /// <summary>Client certificate (PEM) for mutual TLS (<c>ssl.certificate.location</c>). Default: none.</summary>
    public string? SslCertificateLocation { get; set; }

    /// <summary>Client private key (PEM) for mutual TLS (<c>ssl.key.location</c>). Default: none.</summary>
    public string? SslKeyLocation { get; set; }

    /// <summary>Password of <see cref="SslKeyLocation"/>. Default: none. Pass it as <c>Kafka__SslKeyPassword</c>.</summary>
    public string? SslKeyPassword { get; set; }

    /// <summary>
    /// How long a record may wait inside the producer for the cluster before it is moved to the spool
    /// (<c>message.timeout.ms</c>). Default 30,000 ms. Records appended once an outage is noticed go to
    /// the spool at once; this bounds only those already handed to the producer.
    /// </summary>
    [Range(100, 3_600_000)]
    public int MessageTimeoutMs { get; set; } = 30_000;

    /// <summary>How long the producer waits to fill a batch (<c>linger.ms</c>). Default 5 ms.</summary>
    [Range(0, 1_000)]
    public double LingerMs { get; set; } = 5;

    /// <summary><c>none</c>, <c>gzip</c>, <c>snappy</c>, <c>lz4</c> or <c>zstd</c>. Default <c>lz4</c>.</summary>
    [RegularExpression("^(none|gzip|snappy|lz4|zstd)$")]
    public string Compression { get; set; } = "lz4";

    /// <summary>
    /// How long stopping waits for the cluster to acknowledge what was produced before moving the rest to
    /// the spool. Default 10 seconds (within the host's 15-second shutdown timeout).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Further librdkafka producer properties by their librdkafka name (<c>Kafka:Producer:socket.keepalive.enable=true</c>),
    /// applied last. Default: none. The delivery guarantees (<c>enable.idempotence</c>, <c>acks</c>) cannot be overridden.
    /// </summary>
    public Dictionary<string, string> Producer { get; } = new(StringComparer.Ordinal);
}
