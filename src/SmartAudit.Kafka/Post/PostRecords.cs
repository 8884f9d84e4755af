using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// A flagged settled claim for the fraud teams' queue, version 1 (<c>"schema": "smartaudit.case.v1"</c>): the
/// claim's active findings, the money on the lines they name, the fraud model's score and reasons (when it
/// scored the claim: the queue is ordered by it), the versions that flagged it, and where the claim came from. <see cref="CaseId"/> is the claim's request id, so a case is the same case wherever it
/// is read. JSON, camelCase, like the decision log; fields are only added within a version.
/// </summary>
public sealed record CaseRecord(
    string Schema,
    string CaseId,
    ClaimSource Source,
    DateTimeOffset FlaggedAt,
    string PatientId,
    string EncounterId,
    string EncounterKind,
    string HospitalId,
    int HospitalLevel,
    string Department,
    string DoctorId,
    string Action,
    long ClaimAmountFen,
    long FlaggedAmountFen,
    IReadOnlyList<FindingRecord> Findings,
    string RuleSetVersion,
    string? ModelVersion,
    FraudRecord? Fraud,
    bool Degraded,
    IReadOnlyList<string> DegradedReasons,
    IReadOnlyList<LineRecord> Lines)
{
    public const string SchemaV1 = "smartaudit.case.v1";

    public static CaseRecord From(Decision decision, ClaimSource source)
    {
        var record = DecisionRecord.From(decision);
        var findings = record.Findings.Where(f => !f.Silent).ToList();
        var named = findings.SelectMany(f => f.LineIds).ToHashSet(StringComparer.Ordinal);
        var claimAmount = record.Lines.Sum(l => l.AmountFen);
        var flaggedAmount = findings.Any(f => f.LineIds.Count == 0)
            ? claimAmount // a finding about the whole encounter puts the whole claim in question
            : record.Lines.Where(l => named.Contains(l.LineId)).Sum(l => l.AmountFen);
        return new CaseRecord(SchemaV1, record.RequestId, source, record.DecidedAt, record.PatientId, record.EncounterId, record.EncounterKind,
            record.HospitalId, record.HospitalLevel, record.Department, record.DoctorId, record.Action, claimAmount, flaggedAmount, findings,
            record.RuleSetVersion, record.ModelVersion, record.Fraud, record.Degraded, record.DegradedReasons, record.Lines);
    }
}

/// <summary>
/// A settled claim the worker could not audit, version 1 (<c>"schema": "smartaudit.claim-rejected.v1"</c>): not JSON,
/// or fields the contract refuses. The claim is kept as received so that it can be fixed and sent again.
/// </summary>
public sealed record RejectedClaimRecord(
    string Schema,
    ClaimSource Source,
    string? ClaimId,
    string Reason,
    IReadOnlyList<string> Problems,
    DateTimeOffset RejectedAt,
    string Claim)
{
    public const string SchemaV1 = "smartaudit.claim-rejected.v1";
}

/// <summary>Where a claim was read: topic, partition and offset, unique per claim record.</summary>
public sealed record ClaimSource(string Topic, int Partition, long Offset)
{
    /// <summary>The record id of the worker's output for this claim: the same however often the claim is processed.</summary>
    [JsonIgnore]
    public string RecordId => $"{Topic}:{Partition}:{Offset}";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(CaseRecord))]
[JsonSerializable(typeof(RejectedClaimRecord))]
public sealed partial class PostJsonContext : JsonSerializerContext
{
    private static readonly PostJsonContext ReadableContext = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    });

    /// <summary>UTF-8 JSON with Chinese text readable, as the decision log writes it.</summary>
    public static byte[] ToUtf8(CaseRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, ReadableContext.CaseRecord);

    public static byte[] ToUtf8(RejectedClaimRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, ReadableContext.RejectedClaimRecord);
}
