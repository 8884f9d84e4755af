using System.ComponentModel.DataAnnotations;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka.Cases;

/// <summary>
/// The case intake (section <c>CaseIntake</c>): which flagged claims and audit decisions become cases on the fraud
/// team's queue, read from which topics, in which consumer group. The audit decisions and the case decisions are
/// read from the topics the log produces to (<see cref="KafkaOptions.DecisionsTopic"/>,
/// <see cref="KafkaOptions.CaseDecisionsTopic"/>); the cluster is the <c>Kafka</c> section's. A rebuild
/// (<see cref="CaseRebuilder"/>, <c>smartaudit cases rebuild</c>) uses the same settings.
/// </summary>
public sealed class CaseIntakeOptions
{
    public const string SectionName = "CaseIntake";

    /// <summary>Whether the host runs the intake beside the workbench (needs <c>Kafka:BootstrapServers</c>). Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Flagged claims published by the POST audit worker (<c>smartaudit.case.v1</c>). Default <c>smartaudit.cases.v1</c>, as <c>AuditWorker:CasesTopic</c>.</summary>
    [Required]
    public string CasesTopic { get; set; } = "smartaudit.cases.v1";

    /// <summary>
    /// Consumer group of the intake. Default <c>smartaudit-case-intake</c>. Every instance that shares one store
    /// (Redis) shares one group; a store of its own (in memory) needs a group of its own, or a rebuild at start.
    /// </summary>
    [Required]
    public string GroupId { get; set; } = "smartaudit-case-intake";

    /// <summary>Lowest PRE/MID action that raises a case (<c>REMIND</c>, <c>WARN</c>, <c>BLOCK</c>). Default BLOCK.</summary>
    public AuditAction PreMidActionAtLeast { get; set; } = AuditAction.Block;

    /// <summary>Lowest fraud score (0–1) that raises a case from a PRE/MID decision whatever its action. Default 0.8.</summary>
    [Range(0.0, 1.0)]
    public double FraudScoreAtLeast { get; set; } = 0.8;

    /// <summary>
    /// Offset from UTC of the fund's calendar: a case raised from an audit decision is flagged at the decision's time
    /// in it, so its date is the fund's date (as the embedded intake does). Default <c>08:00</c>.
    /// </summary>
    [RegularExpression(@"^[+-]?\d{2}:\d{2}$")]
    public string UtcOffset { get; set; } = "08:00";

    /// <summary><see cref="UtcOffset"/> as a time span.</summary>
    public TimeSpan Offset => UtcOffset.StartsWith('-')
        ? -TimeSpan.Parse(UtcOffset[1..], System.Globalization.CultureInfo.InvariantCulture)
        : TimeSpan.Parse(UtcOffset.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Records applied to the store per batch before the group's offsets are committed. Default 500.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a batch waits to fill before it is applied as it is. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Further librdkafka consumer properties by name (<c>CaseIntake:Consumer:session.timeout.ms=10000</c>). Default:
    /// none. Offsets are always committed by the intake, after the batch is in the store.
    /// </summary>
    public Dictionary<string, string> Consumer { get; } = new(StringComparer.Ordinal);

    /// <summary>The policy these settings describe.</summary>
    public CasePolicy Policy => new() { PreMidActionAtLeast = PreMidActionAtLeast, FraudScoreAtLeast = FraudScoreAtLeast };
}
