using System.Text.Json.Serialization;

namespace SmartAudit.Core.Cases;

/// <summary>Where a case stands in the national review steps (初审 → 复审 → outcome).</summary>
public enum CaseStatus
{
    /// <summary>待初审: flagged, waiting for a reviewer's first review.</summary>
    [JsonStringEnumMemberName("AWAITING_FIRST_REVIEW")] AwaitingFirstReview = 1,
    /// <summary>待复审: first review done, waiting for a lead's second review.</summary>
    [JsonStringEnumMemberName("AWAITING_SECOND_REVIEW")] AwaitingSecondReview = 2,
    /// <summary>待补充材料: the lead asked for more information; the case goes back to first review when it comes.</summary>
    [JsonStringEnumMemberName("NEEDS_INFORMATION")] NeedsInformation = 3,
    /// <summary>确认违规: a violation, with an amount to deduct.</summary>
    [JsonStringEnumMemberName("CONFIRMED")] Confirmed = 4,
    /// <summary>误报: the flag was wrong; nothing to deduct.</summary>
    [JsonStringEnumMemberName("FALSE_POSITIVE")] FalsePositive = 5,
}

/// <summary>The step a decision takes.</summary>
public enum CaseStep
{
    /// <summary>初审, by a reviewer (or a lead): proposes an outcome.</summary>
    [JsonStringEnumMemberName("FIRST_REVIEW")] FirstReview = 1,
    /// <summary>复审, by a lead other than the first reviewer: decides the outcome.</summary>
    [JsonStringEnumMemberName("SECOND_REVIEW")] SecondReview = 2,
    /// <summary>A lead reverses a closed case's outcome: a new decision, the earlier one stays on record.</summary>
    [JsonStringEnumMemberName("REVERSAL")] Reversal = 3,
    /// <summary>A lead gives an open case to a reviewer.</summary>
    [JsonStringEnumMemberName("REASSIGN")] Reassign = 4,
}

/// <summary>What a review says about the case.</summary>
public enum CaseOutcome
{
    [JsonStringEnumMemberName("CONFIRMED")] Confirmed = 1,
    [JsonStringEnumMemberName("FALSE_POSITIVE")] FalsePositive = 2,
    [JsonStringEnumMemberName("NEEDS_INFORMATION")] NeedsInformation = 3,
}

/// <summary>What a signed-in user may do: a lead may also do everything a reviewer may.</summary>
public enum ReviewRole
{
    [JsonStringEnumMemberName("REVIEWER")] Reviewer = 1,
    [JsonStringEnumMemberName("LEAD")] Lead = 2,
}

/// <summary>A signed-in member of the fraud team, as the workflow sees them.</summary>
public sealed record Reviewer(string UserName, string DisplayName, ReviewRole Role)
{
    public bool IsLead => Role == ReviewRole.Lead;
}

/// <summary>
/// One decision on a case, version 1 (<c>"schema": "smartaudit.case-decision.v1"</c>), produced to the
/// case-decisions topic and kept by the case store. Decisions are never changed or removed: <see cref="Sequence"/>
/// numbers them 1, 2, 3… per case, and a reversal is a new decision naming the one it reverses.
/// </summary>
/// <remarks>
/// <para><c>DeductFen</c>: For a CONFIRMED outcome, the amount to deduct from the hospital's payment; 0 otherwise.</para>
/// <para><c>AssignedTo</c>: For REASSIGN, the reviewer the case now belongs to.</para>
/// <para><c>Reverses</c>: For REVERSAL, the sequence of the decision it reverses.</para>
/// </remarks>
public sealed record CaseDecision(
    string Schema,
    string DecisionId,
    string CaseId,
    int Sequence,
    CaseStep Step,
    CaseOutcome? Outcome,
    long DeductFen,
    string Note,
    string DecidedBy,
    ReviewRole Role,
    DateTimeOffset DecidedAt,
    string? AssignedTo = null,
    int? Reverses = null)
{
    public const string SchemaV1 = "smartaudit.case-decision.v1";

    /// <summary>The decision's id: the case and its place in the case's sequence, the same wherever it is rebuilt.</summary>
    public static string IdFor(string caseId, int sequence) => $"{caseId}#{sequence}";
}

/// <summary>What a user asks for on a case's page: the workflow turns it into a <see cref="CaseDecision"/> or refuses it.</summary>
/// <remarks>
/// <para><c>ExpectedVersion</c>: The number of decisions the user saw; a different count means someone else decided meanwhile.</para>
/// </remarks>
public sealed record CaseDecisionInput(
    CaseStep Step,
    CaseOutcome? Outcome,
    long DeductFen,
    string? Note,
    int ExpectedVersion,
    string? AssignTo = null);
