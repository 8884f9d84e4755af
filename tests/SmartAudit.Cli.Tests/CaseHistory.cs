using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using TestCases = SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Cli.Tests;

/// <summary>
/// A small review history for the case commands: three POST cases and a PRE case raised by a BLOCK decision; C1
/// confirmed then reversed to a false positive, C2 a false positive, C3 confirmed, PRE-1 sent back for more
/// information, C4 (flagged on a later day) not decided yet.
/// </summary>
internal static class CaseHistory
{
    public static readonly CaseRecord[] Cases =
    [
        TestCases.Flagged("C1", score: 0.95),
        TestCases.Flagged("C2", score: 0.4, hospitalId: "H002"),
        TestCases.Flagged("C3", score: 0.7, at: TestCases.FlaggedAt.AddDays(-1)),
        TestCases.Flagged("C4", score: 0.2, at: TestCases.FlaggedAt.AddDays(1)),
    ];

    /// <summary>Audit decisions: a PRE BLOCK that raises a case, a PRE REMIND that does not.</summary>
    public static readonly DecisionRecord[] Decisions = [Decision("PRE-1", "BLOCK"), Decision("PRE-2", "REMIND")];

    /// <summary>Every case decision, in the order they were taken.</summary>
    public static List<CaseDecision> CaseDecisions()
    {
        var files = Cases.Select(c => new CaseFile(c, [])).Append(new CaseFile(CaseRecord.From(Decisions[0], null), [])).ToDictionary(f => f.Record.CaseId);
        var taken = new List<CaseDecision>();
        void Decide(string caseId, CaseDecisionInput input, Reviewer who, int hours)
        {
            var decision = CaseWorkflow.Decide(files[caseId], input, who, TestCases.FlaggedAt.AddHours(hours));
            files[caseId] = files[caseId] with { Decisions = [.. files[caseId].Decisions, decision] };
            taken.Add(decision);
        }

        Decide("C1", TestCases.FirstReview(), TestCases.ReviewerWang, 1);
        Decide("C1", TestCases.SecondReview(deductFen: 9000), TestCases.LeadLi, 2);
        Decide("C1", new CaseDecisionInput(CaseStep.Reversal, CaseOutcome.FalsePositive, 0, "医院补交了检查报告", 2), TestCases.LeadChen, 3);
        Decide("C2", TestCases.FirstReview(CaseOutcome.FalsePositive), TestCases.ReviewerZhao, 1);
        Decide("C2", TestCases.SecondReview(CaseOutcome.FalsePositive), TestCases.LeadLi, 2);
        Decide("C3", TestCases.FirstReview(), TestCases.ReviewerWang, 1);
        Decide("C3", TestCases.SecondReview(deductFen: 5000), TestCases.LeadChen, 2);
        Decide("PRE-1", TestCases.FirstReview(deductFen: 2000), TestCases.ReviewerWang, 1);
        Decide("PRE-1", TestCases.SecondReview(CaseOutcome.NeedsInformation), TestCases.LeadLi, 2);
        return taken;
    }

    public static string CasesJsonLines() => string.Join('\n', Cases.Select(c => System.Text.Encoding.UTF8.GetString(CaseJsonContext.ToUtf8(c)))) + "\n";

    public static string DecisionsJsonLines(IEnumerable<CaseDecision> decisions) =>
        string.Join('\n', decisions.Select(d => System.Text.Encoding.UTF8.GetString(CaseJsonContext.ToUtf8(d)))) + "\n";

    private static DecisionRecord Decision(string requestId, string action) => new(
        DecisionRecord.SchemaV1, requestId, TestCases.FlaggedAt, "PRE", "P-" + requestId, "E-" + requestId, "OUTPATIENT", "H002", 3, "GEN", "D007", action,
        [new FindingRecord("GZ-SEX-001", "SEX_RESTRICTION", action, "CERTAIN", false, "限男性", "men only", ["1"])],
        "national-base 0.2.0", null, false, [], 80,
        [new LineRecord("1", "XG04CBF036A001", "DRUG", 1, 2000, 2000), new LineRecord("2", "110200001000000", "SERVICE", 1, 3000, 3000)]);
}
