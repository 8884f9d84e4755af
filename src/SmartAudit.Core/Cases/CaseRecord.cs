using System.Text.Json.Serialization;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Core.Cases;

/// <summary>
/// A flagged encounter or claim for the fraud teams' queue, version 1 (<c>"schema": "smartaudit.case.v1"</c>): the
/// claim's active findings, the money on the lines they name, the fraud model's score and reasons (when it
/// scored the claim: the queue is ordered by it), the versions that flagged it, and where the claim came from.
/// <see cref="CaseId"/> is the claim's request id, so a case is the same case wherever it is read. JSON,
/// camelCase, like the decision log; fields are only added within a version.
/// </summary>
/// <remarks>
/// <para><c>Source</c>: The settled claim's place on the claims topic (POST worker); null for a case raised
/// from a PRE or MID decision.</para>
/// <para><c>Stage</c>: The stage that flagged it (added within v1; POST when absent).</para>
/// </remarks>
public sealed record CaseRecord(
    string Schema,
    string CaseId,
    ClaimSource? Source,
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
    IReadOnlyList<LineRecord> Lines,
    string Stage = "POST")
{
    public const string SchemaV1 = "smartaudit.case.v1";

    /// <summary>The case a decision raises: its active findings, and the amount on the lines they name.</summary>
    public static CaseRecord From(Decision decision, ClaimSource? source) => From(DecisionRecord.From(decision), source);

    /// <inheritdoc cref="From(Decision, ClaimSource?)"/>
    /// <param name="record">The decision.</param>
    /// <param name="source">Where the claim was read, if from the claims topic.</param>
    /// <param name="calendar">The fund's UTC offset: the flag's time is written in it, so its date is the fund's date.</param>
    public static CaseRecord From(DecisionRecord record, ClaimSource? source, TimeSpan? calendar = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var findings = record.Findings.Where(f => !f.Silent).ToList();
        var named = findings.SelectMany(f => f.LineIds).ToHashSet(StringComparer.Ordinal);
        // Saturating sums (Fen): amounts come from outside, and a checked Sum's overflow stopped the host (issue 16).
        long claimAmount = 0, namedAmount = 0;
        foreach (var line in record.Lines)
        {
            claimAmount = Fen.AddSaturating(claimAmount, line.AmountFen);
            namedAmount = named.Contains(line.LineId) ? Fen.AddSaturating(namedAmount, line.AmountFen) : namedAmount;
        }

        var flaggedAmount = findings.Any(f => f.LineIds.Count == 0)
            ? claimAmount // a finding about the whole encounter puts the whole claim in question
            : namedAmount;
        var flaggedAt = calendar is { } offset ? record.DecidedAt.ToOffset(offset) : record.DecidedAt;
        return new CaseRecord(SchemaV1, record.RequestId, source, flaggedAt, record.PatientId, record.EncounterId, record.EncounterKind,
            record.HospitalId, record.HospitalLevel, record.Department, record.DoctorId, record.Action, claimAmount, flaggedAmount, findings,
            record.RuleSetVersion, record.ModelVersion, record.Fraud, record.Degraded, record.DegradedReasons, record.Lines, record.Stage);
    }
}

/// <summary>Where a claim was read: topic, partition and offset, unique per claim record.</summary>
public sealed record ClaimSource(string Topic, int Partition, long Offset)
{
    /// <summary>The record id of the worker's output for this claim: the same however often the claim is processed.</summary>
    [JsonIgnore]
    public string RecordId => $"{Topic}:{Partition}:{Offset}";
}
