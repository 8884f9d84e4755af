using System.ComponentModel.DataAnnotations;
using SmartAudit.Contracts.Mapping;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// The POST-stage batch audit (section <c>AuditWorker</c>): settled claims consumed from a topic in a
/// consumer group, audited with the POST rules, flagged ones published as cases. The cluster connection is
/// the <c>Kafka</c> section's. Run by <c>smartaudit audit-worker</c>, or inside the server with
/// <see cref="Enabled"/>.
/// </summary>
public sealed class AuditWorkerOptions
{
    public const string SectionName = "AuditWorker";

    /// <summary>Whether the server runs the worker beside the gRPC service (needs <c>Kafka:BootstrapServers</c>). Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Settled claims: one <c>CheckRequest</c> as JSON per record, keyed by patient id. Default <c>smartaudit.claims.v1</c>.</summary>
    [Required]
    public string ClaimsTopic { get; set; } = "smartaudit.claims.v1";

    /// <summary>
    /// Flagged claims (<c>smartaudit.case.v1</c>) for the fraud teams. Default <c>smartaudit.cases.v1</c>. Needs at least
    /// as many partitions as the claims topic: a claim's case goes to the partition of the same number.
    /// </summary>
    [Required]
    public string CasesTopic { get; set; } = "smartaudit.cases.v1";

    /// <summary>
    /// Claims that could not be audited (not JSON, invalid fields: <c>smartaudit.claim-rejected.v1</c>), so that none is
    /// skipped silently. Default <c>smartaudit.claims-rejected.v1</c>. Partitions as for <see cref="CasesTopic"/>.
    /// </summary>
    [Required]
    public string RejectedTopic { get; set; } = "smartaudit.claims-rejected.v1";

    /// <summary>Consumer group of the workers; add instances to the group to scale. Default <c>smartaudit-post-audit</c>.</summary>
    [Required]
    public string GroupId { get; set; } = "smartaudit-post-audit";

    /// <summary>Claims per batch: audited, their output produced and acknowledged, then their offsets committed. Default 500.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a batch waits to fill before it is processed as it is. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Most lines one claim may carry; longer claims are rejected. Default 10,000 (a long inpatient stay).</summary>
    [Range(1, 1_000_000)]
    public int MaxLinesPerClaim { get; set; } = 10_000;

    /// <summary>Offset from UTC of the fund's calendar, which turns instants into service dates. Default <c>08:00</c>.</summary>
    [RegularExpression(@"^[+-]?\d{2}:\d{2}$")]
    public string UtcOffset { get; set; } = "08:00";

    /// <summary>The plausible range of every number and date in a claim; outside it the claim is rejected. Defaults: <see cref="RequestBounds"/>.</summary>
    public RequestBounds Bounds { get; set; } = new();

    /// <summary><see cref="UtcOffset"/> as a time span.</summary>
    public TimeSpan Offset => UtcOffset.StartsWith('-')
        ? -TimeSpan.Parse(UtcOffset[1..], System.Globalization.CultureInfo.InvariantCulture)
        : TimeSpan.Parse(UtcOffset.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Workers in this process, each with its own consumer and producer (members of the group). Default 1.</summary>
    [Range(1, 64)]
    public int Instances { get; set; } = 1;

    /// <summary>
    /// Stop the host once the workers have found nothing to consume for this long (batch runs, benchmarks).
    /// Default: never; the worker waits for new claims.
    /// </summary>
    public TimeSpan? StopWhenIdle { get; set; }

    /// <summary>
    /// Whether a worker that fails (a topic missing, partitions that do not line up) stops the whole host.
    /// Default false: in the server the gRPC service keeps answering, and the health check <c>audit-worker</c>
    /// reports the failure as Degraded. <c>smartaudit audit-worker</c> sets it, and exits with an error.
    /// </summary>
    public bool StopHostOnFailure { get; set; }

    /// <summary>
    /// Further librdkafka consumer properties by name (<c>AuditWorker:Consumer:session.timeout.ms=10000</c>). Default:
    /// none. Offsets are always committed by the worker, never automatically.
    /// </summary>
    public Dictionary<string, string> Consumer { get; } = new(StringComparer.Ordinal);
}
