using SmartAudit.Core.Cases;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Core.Tests.Cases;

/// <summary>The national review steps: first review, second review by another person who is a lead, then an outcome on record.</summary>
public sealed class CaseWorkflowTests
{
    private static CaseFile New(string caseId = "C1") => new(Flagged(caseId), []);

    private static CaseFile Then(CaseFile file, CaseDecisionInput input, Reviewer who) =>
        file with { Decisions = [.. file.Decisions, CaseWorkflow.Decide(file, input, who, FlaggedAt.AddHours(file.Decisions.Count + 1))] };

    [Fact]
    public void FirstReview_ByAReviewer_WaitsForSecondReview()
    {
        var file = Then(New(), FirstReview(CaseOutcome.Confirmed, 9000), ReviewerWang);

        Assert.Equal(CaseStatus.AwaitingSecondReview, file.State.Status);
        Assert.Equal(1, file.State.Version);
        Assert.Equal("C1#1", file.Decisions[0].DecisionId);
        Assert.Equal(ReviewerWang.UserName, file.Decisions[0].DecidedBy);
    }

    [Fact]
    public void SecondReview_BeforeFirstReview_IsRefused()
    {
        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(New(), SecondReview(version: 0), LeadLi, FlaggedAt));

        Assert.Equal(CaseRefusal.OutOfOrder, refusal.Refusal);
        Assert.Contains("first review", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondReview_ByAReviewer_IsALeadsStep()
    {
        var file = Then(New(), FirstReview(), ReviewerWang);

        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(file, SecondReview(), ReviewerZhao, FlaggedAt));

        Assert.Equal(CaseRefusal.Forbidden, refusal.Refusal);
        Assert.DoesNotContain(CaseStep.SecondReview, CaseWorkflow.StepsAvailable(file, ReviewerZhao));
    }

    [Fact]
    public void SecondReview_BySameLeadWhoTookTheFirst_IsRefused()
    {
        var file = Then(New(), FirstReview(), LeadLi);

        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(file, SecondReview(), LeadLi, FlaggedAt));

        Assert.Equal(CaseRefusal.Forbidden, refusal.Refusal);
        Assert.Contains(CaseStep.SecondReview, CaseWorkflow.StepsAvailable(file, LeadChen));
    }

    [Fact]
    public void SecondReview_SetsTheOutcomeAndTheAmountToDeduct()
    {
        var file = Then(Then(New(), FirstReview(CaseOutcome.Confirmed, 10000), ReviewerWang), SecondReview(CaseOutcome.Confirmed, 6000), LeadLi);

        Assert.Equal(CaseStatus.Confirmed, file.State.Status);
        Assert.Equal(6000, file.State.DeductFen);
        Assert.True(file.State.IsClosed);
    }

    [Fact]
    public void SecondReview_NeedsInformation_SendsTheCaseBackToFirstReview()
    {
        var file = Then(Then(New(), FirstReview(), ReviewerWang), SecondReview(CaseOutcome.NeedsInformation), LeadLi);

        Assert.Equal(CaseStatus.NeedsInformation, file.State.Status);
        Assert.Equal([CaseStep.FirstReview], CaseWorkflow.StepsAvailable(file, ReviewerWang));
        var again = Then(file, FirstReview(CaseOutcome.FalsePositive, version: 2), ReviewerWang);
        Assert.Equal(CaseStatus.AwaitingSecondReview, again.State.Status);
    }

    [Fact]
    public void FirstReview_Twice_IsRefused()
    {
        var file = Then(New(), FirstReview(), ReviewerWang);

        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(file, FirstReview(version: 1), ReviewerZhao, FlaggedAt));

        Assert.Equal(CaseRefusal.OutOfOrder, refusal.Refusal);
    }

    [Theory]
    [InlineData(CaseOutcome.Confirmed, 0, "note", "deduct")]
    [InlineData(CaseOutcome.Confirmed, 15001, "note", "deduct")]
    [InlineData(CaseOutcome.FalsePositive, 100, "note", "deduct")]
    [InlineData(CaseOutcome.FalsePositive, 0, "  ", "note")]
    public void Review_IncompleteInput_IsRefusedNamingTheField(CaseOutcome outcome, long deductFen, string note, string field)
    {
        var input = new CaseDecisionInput(CaseStep.FirstReview, outcome, deductFen, note, 0);

        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(New(), input, ReviewerWang, FlaggedAt));

        Assert.Equal(CaseRefusal.Invalid, refusal.Refusal);
        Assert.Equal(field, refusal.Field);
    }

    [Fact]
    public void Review_WithoutAnOutcome_IsRefused()
    {
        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(New(), new CaseDecisionInput(CaseStep.FirstReview, null, 0, "x", 0), ReviewerWang, FlaggedAt));

        Assert.Equal("outcome", refusal.Field);
    }

    [Fact]
    public void Decide_OnAStaleVersion_IsAConflict()
    {
        var file = Then(New(), FirstReview(), ReviewerWang);

        var refusal = Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(file, SecondReview(version: 0), LeadLi, FlaggedAt));

        Assert.Equal(CaseRefusal.Conflict, refusal.Refusal);
    }

    [Fact]
    public void Reversal_IsANewDecisionAndTheOriginalStaysOnRecord()
    {
        var closed = Then(Then(New(), FirstReview(), ReviewerWang), SecondReview(CaseOutcome.Confirmed, 10000), LeadLi);

        var reversed = Then(closed, new CaseDecisionInput(CaseStep.Reversal, CaseOutcome.FalsePositive, 0, "医院补交了检查报告", 2), LeadChen);

        Assert.Equal(CaseStatus.FalsePositive, reversed.State.Status);
        Assert.Equal(0, reversed.State.DeductFen);
        Assert.Equal(3, reversed.Decisions.Count);
        Assert.Equal(closed.Decisions, reversed.Decisions.Take(2));
        Assert.Equal(2, reversed.Decisions[2].Reverses);
    }

    [Fact]
    public void Reversal_ByAReviewer_OrOfAnOpenCase_IsRefused()
    {
        var closed = Then(Then(New(), FirstReview(), ReviewerWang), SecondReview(), LeadLi);
        var open = Then(New(), FirstReview(), ReviewerWang);
        var reverse = new CaseDecisionInput(CaseStep.Reversal, CaseOutcome.FalsePositive, 0, "x", 2);

        Assert.Equal(CaseRefusal.Forbidden, Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(closed, reverse, ReviewerWang, FlaggedAt)).Refusal);
        Assert.Equal(CaseRefusal.OutOfOrder, Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(open, reverse with { ExpectedVersion = 1 }, LeadLi, FlaggedAt)).Refusal);
    }

    [Fact]
    public void Reassign_IsALeadsStep_AndThenOnlyTheAssigneeOrALeadTakesTheFirstReview()
    {
        var reassign = new CaseDecisionInput(CaseStep.Reassign, null, 0, "", 0, ReviewerZhao.UserName);
        Assert.Equal(CaseRefusal.Forbidden, Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(New(), reassign, ReviewerWang, FlaggedAt)).Refusal);

        var assigned = Then(New(), reassign, LeadLi);

        Assert.Equal(ReviewerZhao.UserName, assigned.State.AssignedTo);
        Assert.Equal(CaseStatus.AwaitingFirstReview, assigned.State.Status);
        Assert.Equal(CaseRefusal.Forbidden, Assert.Throws<CaseWorkflowException>(() => CaseWorkflow.Decide(assigned, FirstReview(version: 1), ReviewerWang, FlaggedAt)).Refusal);
        Assert.Equal(CaseStatus.AwaitingSecondReview, Then(assigned, FirstReview(version: 1), ReviewerZhao).State.Status);
    }

    [Fact]
    public void Fold_OfTheSameDecisions_GivesTheSameState()
    {
        var file = Then(Then(New(), FirstReview(), ReviewerWang), SecondReview(CaseOutcome.FalsePositive), LeadLi);

        var rebuilt = new CaseFile(file.Record, [.. file.Decisions.Select(d => CaseJsonContext.ReadDecision(CaseJsonContext.ToUtf8(d)))]);

        Assert.Equal(file.State, rebuilt.State);
        Assert.Contains("\"step\":\"SECOND_REVIEW\"", System.Text.Encoding.UTF8.GetString(CaseJsonContext.ToUtf8(file.Decisions[1])), StringComparison.Ordinal);
    }
}
