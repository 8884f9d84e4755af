using SmartAudit.Kafka.Compliance;
using static SmartAudit.Kafka.Tests.Compliance.ComplianceRecords;

namespace SmartAudit.Kafka.Tests.Compliance;

/// <summary>The arithmetic of pre-alert compliance: reminders, outcomes, inference, windows, grouping.</summary>
public class ComplianceCalculatorTests
{
    private static readonly (string, string)[] LineA = [("1", "A")];
    private static readonly (string, string)[] LinesAB = [("1", "A"), ("2", "B")];
    private static readonly (string, string)[] LineB = [("1", "B")];

    [Fact]
    public void Build_OneReminderOfEachOutcome_RateIsFollowedOverReminders()
    {
        var calculator = new ComplianceCalculator(March);
        foreach (var id in new[] { "R1", "R2", "R3", "R4" })
        {
            calculator.Add(Pre(id, At(2), LineA, [("GZ-QTY-001", ["1"])], encounter: "E-" + id));
        }

        calculator.Add(Feedback("R1", "GZ-QTY-001", "CHANGED", At(2, 10)));
        calculator.Add(Feedback("R2", "GZ-QTY-001", "OVERRIDDEN", At(2, 10), "EMERGENCY"));
        calculator.Add(Feedback("R3", "GZ-QTY-001", "DISMISSED", At(2, 10)));

        var total = calculator.Build().Total;

        Assert.Equal((4, 1, 0, 1, 1, 1), (total.Reminders, total.Followed, total.FollowedInferred, total.Overridden, total.Dismissed, total.NoResponse));
        Assert.Equal(0.25, total.ComplianceRate);
        Assert.Equal(new Dictionary<string, long> { ["EMERGENCY"] = 1 }, total.OverridesByReason);
    }

    [Fact]
    public void Build_SameEncounterSentAgainWithoutTheFlaggedLine_ChangedInferredWithAnInferredRecord()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LinesAB, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Pre("R2", At(2, 9, 5), LineB, [], doctor: "D2"));

        var report = calculator.Build();

        Assert.Equal((1, 1, 1), (report.Total.Reminders, report.Total.Followed, report.Total.FollowedInferred));
        Assert.Equal(1.0, report.Total.ComplianceRate);
        var inferred = Assert.Single(report.InferredFeedback);
        Assert.True(inferred.Inferred);
        Assert.Equal(("R1", "GZ-QTY-001", "CHANGED", "D2", At(2, 9, 5)), (inferred.RequestId, inferred.RuleId, inferred.Kind, inferred.DoctorId, inferred.RecordedAt));
        Assert.Equal(["1"], inferred.LineIds);
        Assert.Contains("R2", inferred.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SentAgainWithTheItemNoLongerFlaggedByTheRule_ChangedInferred()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LineA, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Pre("R2", At(2, 9, 5), [("7", "A")], [("GZ-AGE-001", ["7"])])); // quantity lowered; another rule fires

        var report = calculator.Build();

        Assert.Equal((2, 1, 1), (report.Total.Reminders, report.Total.Followed, report.Total.FollowedInferred));
        Assert.Equal("R1", Assert.Single(report.InferredFeedback).RequestId);
    }

    [Fact]
    public void Build_SentAgainStillFlagged_NotFollowedAndTheRepeatIsItsOwnReminder()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LineA, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Pre("R2", At(2, 9, 5), [("9", "A")], [("GZ-QTY-001", ["9"])]));
        calculator.Add(Pre("R3", At(2, 9, 9), LineB, []));

        var report = calculator.Build();

        Assert.Equal((2, 1, 1, 1), (report.Total.Reminders, report.Total.Followed, report.Total.FollowedInferred, report.Total.NoResponse));
        Assert.Equal("R2", Assert.Single(report.InferredFeedback).RequestId); // only the last reminder was followed
    }

    [Fact]
    public void Build_ExplicitFeedbackAndAnInferredChange_ExplicitWins()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LineA, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Feedback("R1", "GZ-QTY-001", "OVERRIDDEN", At(2, 9, 1), "DOCUMENTED_INDICATION"));
        calculator.Add(Pre("R2", At(2, 9, 5), LineB, []));

        var report = calculator.Build();

        Assert.Equal((1, 0, 1), (report.Total.Reminders, report.Total.Followed, report.Total.Overridden));
        Assert.Empty(report.InferredFeedback);
    }

    [Fact]
    public void Build_OtherEncounterOrOtherStage_NothingInferred()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LineA, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Pre("R2", At(2, 9, 5), LineB, [], encounter: "E2"));
        calculator.Add(Pre("R3", At(2, 9, 6), LineB, [], stage: "MID"));
        calculator.Add(Pre("R4", At(2, 9, 7), LineB, [], hospital: "H2")); // same encounter id, another hospital

        var report = calculator.Build();

        Assert.Equal((1, 0, 1), (report.Total.Reminders, report.Total.Followed, report.Total.NoResponse));
    }

    [Fact]
    public void Build_SilentAndEncounterLevelFindings_SilentIsNoReminderAndEncounterLevelCannotBeInferred()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LineA, [("GZ-TRIAL-001", ["1"])], silent: true));
        calculator.Add(Pre("R2", At(3), LineA, [("GZ-STAY-001", [])], encounter: "E2"));
        calculator.Add(Pre("R3", At(3, 10), LineB, [], encounter: "E2"));

        var report = calculator.Build();

        Assert.Equal((1, 0, 1), (report.Total.Reminders, report.Total.Followed, report.Total.NoResponse));
        Assert.Equal("GZ-STAY-001", Assert.Single(report.ByRule).Key);
    }

    [Fact]
    public void Build_DuplicatedRecords_DecisionCountedOnceAndTheLatestFeedbackWins()
    {
        var calculator = new ComplianceCalculator(March);
        var decision = Pre("R1", At(2), LineA, [("GZ-QTY-001", ["1"])]);
        calculator.Add(decision);
        calculator.Add(decision); // replayed from a spool after a possibly persisted send
        calculator.Add(Feedback("R1", "GZ-QTY-001", "CHANGED", At(2, 11)));
        calculator.Add(Feedback("R1", "GZ-QTY-001", "DISMISSED", At(2, 10))); // older, read later

        var report = calculator.Build();

        Assert.Equal((1, 1), (report.Total.Reminders, report.Total.Followed));
        Assert.Equal((2, 1, 2), (report.Inputs.Decisions, report.Inputs.PreDecisions, report.Inputs.Feedback));
    }

    [Fact]
    public void Build_RecordsAroundTheWindow_OnlyRemindersInsideCountAndFollowUpsUntilTheFollowUpEnd()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R-feb", new DateTimeOffset(2026, 2, 28, 23, 59, 0, Beijing), LineA, [("GZ-QTY-001", ["1"])], encounter: "E0"));
        calculator.Add(Pre("R-last", At(31, 23, 50), LineA, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Pre("R-next-day", new DateTimeOffset(2026, 4, 1, 8, 0, 0, Beijing), LineB, [])); // within the day's follow-up
        calculator.Add(Pre("R-april", new DateTimeOffset(2026, 4, 1, 8, 0, 0, Beijing), LineA, [("GZ-QTY-001", ["1"])], encounter: "E9"));
        calculator.Add(Feedback("R-april", "GZ-QTY-001", "CHANGED", new DateTimeOffset(2026, 4, 1, 9, 0, 0, Beijing)));

        var report = calculator.Build();

        Assert.Equal((1, 1, 1), (report.Total.Reminders, report.Total.Followed, report.Total.FollowedInferred));
        Assert.Equal(1, report.Inputs.UnmatchedFeedback);
    }

    [Fact]
    public void Build_ChangeAfterTheFollowUpEnds_NotCounted()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(31, 12), LineA, [("GZ-QTY-001", ["1"])]));
        calculator.Add(Pre("R2", new DateTimeOffset(2026, 4, 2, 0, 0, 0, Beijing), LineB, [])); // the follow-up ends at 2 April, 00:00
        calculator.Add(Feedback("R1", "GZ-QTY-001", "CHANGED", new DateTimeOffset(2026, 4, 2, 12, 0, 0, Beijing)));

        var total = calculator.Build().Total;

        Assert.Equal((1, 0, 1), (total.Reminders, total.Followed, total.NoResponse));
    }

    [Fact]
    public void Build_SeveralHospitalsDoctorsAndRules_EachGroupHasItsOwnFigures()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LinesAB, [("GZ-QTY-001", ["1"]), ("GZ-AGE-001", ["2"])], encounter: "E1", hospital: "H1", doctor: "D1"));
        calculator.Add(Pre("R2", At(2), LineA, [("GZ-QTY-001", ["1"])], encounter: "E2", hospital: "H2", department: "PED", doctor: "D2"));
        calculator.Add(Pre("R3", At(2), LineA, [("GZ-QTY-001", ["1"])], encounter: "E3", hospital: "H2", department: "PED", doctor: "D2"));
        calculator.Add(Pre("R1b", At(2, 9, 1), LineB, [], encounter: "E1", hospital: "H1", doctor: "D1")); // drops A: QTY followed, AGE (on B) still there but not flagged: followed too
        calculator.Add(Feedback("R2", "GZ-QTY-001", "OVERRIDDEN", At(2, 10), "EMERGENCY"));
        calculator.Add(Feedback("R3", "GZ-QTY-001", "OVERRIDDEN", At(2, 10), "DISAGREE_WITH_RULE"));

        var report = calculator.Build();

        Assert.Equal([("H1", 2L, 2L), ("H2", 2L, 0L)], report.ByHospital.Select(r => (r.Key, r.Reminders, r.Followed)));
        Assert.Equal([("CARD", 1.0), ("PED", 0.0)], report.ByDepartment.Select(r => (r.Key, r.ComplianceRate!.Value)));
        Assert.Equal(["D1", "D2"], report.ByDoctor.Select(r => r.Key));
        Assert.Equal([("GZ-AGE-001", 1L, 1L), ("GZ-QTY-001", 3L, 1L)], report.ByRule.Select(r => (r.Key, r.Reminders, r.Followed)));
        Assert.Equal(new Dictionary<string, long> { ["DISAGREE_WITH_RULE"] = 1, ["EMERGENCY"] = 1 }, report.ByHospital[1].OverridesByReason);
        Assert.Equal(0.5, report.Total.ComplianceRate);
    }

    [Fact]
    public void Build_NoReminders_RateIsUnknownNotZero()
    {
        var calculator = new ComplianceCalculator(March);
        calculator.Add(Pre("R1", At(2), LineA, []));

        var report = calculator.Build();

        Assert.Null(report.Total.ComplianceRate);
        Assert.Empty(report.ByRule);
    }
}
