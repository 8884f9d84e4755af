namespace SmartAudit.Core.Cases;

/// <summary>
/// A queue row: what the queue shows and filters on, with the risk the queue is ordered by. Built from the case
/// and its state; replaced whole when a decision changes the state.
/// </summary>
public sealed record CaseSummary(
    string CaseId,
    DateTimeOffset FlaggedAt,
    string Stage,
    string HospitalId,
    string Department,
    string DoctorId,
    string PatientId,
    string[] RuleIds,
    string TopSeverity,
    double? FraudScore,
    int Risk,
    long ClaimAmountFen,
    long FlaggedAmountFen,
    CaseStatus Status,
    string? AssignedTo,
    long DeductFen,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>The flag's calendar date where it was flagged (the record keeps the hospital's offset).</summary>
    public DateOnly FlaggedOn => DateOnly.FromDateTime(FlaggedAt.DateTime);

    public static CaseSummary From(CaseRecord record, CaseState state)
    {
        var rules = record.Findings.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).ToArray();
        var severity = record.Findings.Count == 0 ? "REMIND" : record.Findings.MaxBy(f => SeverityWeight(f.Severity))!.Severity;
        return new CaseSummary(record.CaseId, record.FlaggedAt, record.Stage, record.HospitalId, record.Department, record.DoctorId,
            record.PatientId, rules, severity, record.Fraud?.Score, RiskOf(record.Fraud?.Score, severity), record.ClaimAmountFen,
            record.FlaggedAmountFen, state.Status, state.AssignedTo, state.DeductFen, state.UpdatedAt);
    }

    /// <summary>
    /// Risk, 0–100, that orders the queue: 70% the fraud model's score and 30% the most severe finding (BLOCK 1,
    /// WARN 0.6, REMIND 0.3); the severity alone when the model did not score the case (PRE).
    /// </summary>
    public static int RiskOf(double? fraudScore, string topSeverity)
    {
        var severity = SeverityWeight(topSeverity);
        var risk = fraudScore is { } score ? (0.7 * Math.Clamp(score, 0, 1)) + (0.3 * severity) : severity;
        return (int)Math.Round(risk * 100, MidpointRounding.AwayFromZero);
    }

    private static double SeverityWeight(string severity) => severity switch
    {
        "BLOCK" => 1.0,
        "WARN" => 0.6,
        _ => 0.3,
    };
}
