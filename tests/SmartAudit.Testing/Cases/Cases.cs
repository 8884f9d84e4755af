using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;

namespace SmartAudit.Testing.Cases;

/// <summary>Builders of flagged cases and of the people who review them.</summary>
public static class Cases
{
    public static readonly DateTimeOffset FlaggedAt = new(2026, 3, 10, 9, 30, 0, TimeSpan.FromHours(8));

    public static readonly Reviewer ReviewerWang = new("wang.reviewer", "王审核", ReviewRole.Reviewer);
    public static readonly Reviewer ReviewerZhao = new("zhao.reviewer", "赵审核", ReviewRole.Reviewer);
    public static readonly Reviewer LeadLi = new("li.lead", "李组长", ReviewRole.Lead);
    public static readonly Reviewer LeadChen = new("chen.lead", "陈组长", ReviewRole.Lead);

    /// <summary>A POST case with one finding per rule id on line 1 and a claim of two lines (100.00 + 50.00 yuan).</summary>
    public static CaseRecord Flagged(string caseId = "C0001", double? score = 0.9, string severity = "WARN", string hospitalId = "H001",
        string doctorId = "D001", string stage = "POST", DateTimeOffset? at = null, string patientId = "P0001", params string[] ruleIds)
    {
        string[] rules = ruleIds.Length == 0 ? ["GZ-DUP-001"] : ruleIds;
        var findings = rules.Select(r => new FindingRecord(r, "DUPLICATE_CHARGE", severity, "CERTAIN", false, $"{r} 命中", $"{r} fired", ["1"])).ToList();
        LineRecord[] lines =
        [
            new("1", "XG04CBF036A001", "DRUG", 2, 5000, 10000),
            new("2", "110200001000000", "SERVICE", 1, 5000, 5000),
        ];
        FraudRecord? fraud = score is { } s ? new FraudRecord(s, [new FraudReason("hospital_drug_share_ratio", 4.3, 0.21, "本院药占比是同级医院的 4.3 倍", "this hospital's average drug share is 4.3x its peers'")]) : null;
        return new CaseRecord(CaseRecord.SchemaV1, caseId, stage == "POST" ? new ClaimSource("smartaudit.claims.v1", 0, 7) : null, at ?? FlaggedAt,
            patientId, "E-" + caseId, "OUTPATIENT", hospitalId, 2, "A03", doctorId, severity, 15000, 10000, findings, "national-base 0.2.0",
            score is null ? null : "fraud-test", fraud, false, [], lines, stage);
    }

    public static CaseDecisionInput FirstReview(CaseOutcome outcome = CaseOutcome.Confirmed, long deductFen = 10000, string note = "两次收取同一项目", int version = 0) =>
        new(CaseStep.FirstReview, outcome, outcome == CaseOutcome.Confirmed ? deductFen : 0, note, version);

    public static CaseDecisionInput SecondReview(CaseOutcome outcome = CaseOutcome.Confirmed, long deductFen = 10000, string note = "同意初审", int version = 1) =>
        new(CaseStep.SecondReview, outcome, outcome == CaseOutcome.Confirmed ? deductFen : 0, note, version);
}
