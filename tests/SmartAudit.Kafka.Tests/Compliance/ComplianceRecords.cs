using SmartAudit.Core.Decisions;
using SmartAudit.Kafka.Compliance;

namespace SmartAudit.Kafka.Tests.Compliance;

/// <summary>Builders for the records compliance is computed from: short PRE orders with their findings.</summary>
public static class ComplianceRecords
{
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>March 2026 in the fund's calendar, with a day's follow-up.</summary>
    public static readonly ComplianceWindow March = ComplianceWindow.Days(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), Beijing);

    public static DateTimeOffset At(int day, int hour = 9, int minute = 0) => new(2026, 3, day, hour, minute, 0, Beijing);

    /// <summary>A PRE decision: <paramref name="lines"/> as (line id, item code); <paramref name="findings"/> as (rule id, line ids).</summary>
    public static DecisionRecord Pre(
        string requestId,
        DateTimeOffset decidedAt,
        (string LineId, string Item)[] lines,
        (string Rule, string[] LineIds)[] findings,
        string encounter = "E1",
        string hospital = "H1",
        string department = "CARD",
        string doctor = "D1",
        string stage = "PRE",
        bool silent = false) => new(
            DecisionRecord.SchemaV1, requestId, decidedAt, stage, "P1", encounter, "OUTPATIENT", hospital, 3, department, doctor,
            findings.Length == 0 ? "PASS" : "REMIND",
            [.. findings.Select(f => new FindingRecord(f.Rule, "EXCESS_QUANTITY", "REMIND", "CERTAIN", silent, "超量", "over the limit", f.LineIds))],
            "1.0.0+test", null, false, [], 100,
            [.. lines.Select(l => new LineRecord(l.LineId, l.Item, "DRUG", 1, 100, 100))]);

    public static FeedbackRecord Feedback(string requestId, string rule, string kind, DateTimeOffset recordedAt, string? reason = null) =>
        new(FeedbackRecord.SchemaV1, requestId, rule, kind, reason, "", "D1", [], recordedAt);
}
