using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Core.Tests.Cases;

public sealed class CaseReplayTests
{
    private readonly InMemoryCaseStore _store = new();

    [Fact]
    public async Task AppendAsync_TheDecisionAlreadyThere_IsADuplicate_AnotherAtItsSequenceConflicts()
    {
        var replay = new CaseReplay(_store, new CasePolicy());
        var record = Flagged("C1");
        await replay.AddCaseAsync(record, CancellationToken.None);
        var first = CaseWorkflow.Decide(new CaseFile(record, []), FirstReview(), ReviewerWang, FlaggedAt.AddHours(1));
        var rival = CaseWorkflow.Decide(new CaseFile(record, []), FirstReview(CaseOutcome.FalsePositive), ReviewerZhao, FlaggedAt.AddHours(1));

        Assert.Equal(CaseReplayOutcome.Appended, await replay.AppendAsync(first, CancellationToken.None));
        Assert.Equal(CaseReplayOutcome.Duplicate, await replay.AppendAsync(first with { }, CancellationToken.None));
        Assert.Equal(CaseReplayOutcome.Conflicting, await replay.AppendAsync(rival, CancellationToken.None));
        Assert.Equal(first, Assert.Single((await _store.GetAsync("C1"))!.Decisions));
        Assert.Equal("Added 1, Appended 1, Duplicate 1, Conflicting 1", replay.Tally.ToString());
    }

    [Fact]
    public async Task AppendAsync_BeforeItsCaseOrAfterAGap_SaysSoAndWritesNothing()
    {
        var replay = new CaseReplay(_store, new CasePolicy());
        var record = Flagged("C1");
        var first = CaseWorkflow.Decide(new CaseFile(record, []), FirstReview(), ReviewerWang, FlaggedAt.AddHours(1));
        var second = CaseWorkflow.Decide(new CaseFile(record, [first]), SecondReview(), LeadLi, FlaggedAt.AddHours(2));

        Assert.Equal(CaseReplayOutcome.CaseMissing, await replay.AppendAsync(first, CancellationToken.None));
        await replay.AddCaseAsync(record, CancellationToken.None);
        Assert.Equal(CaseReplayOutcome.OutOfOrder, await replay.AppendAsync(second, CancellationToken.None));

        Assert.Empty((await _store.GetAsync("C1"))!.Decisions);
        Assert.Equal(1, replay.Tally[CaseReplayOutcome.CaseMissing]);
        Assert.Equal(1, replay.Tally[CaseReplayOutcome.OutOfOrder]);
    }

    [Fact]
    public async Task AddDecisionAsync_RaisesACaseOnlyWhereThePolicySays_AndOnce()
    {
        var replay = new CaseReplay(_store, new CasePolicy { PreMidActionAtLeast = AuditAction.Warn });
        var warn = Pre("R1", "WARN");

        Assert.Equal(CaseReplayOutcome.Added, await replay.AddDecisionAsync(warn, CancellationToken.None));
        Assert.Equal(CaseReplayOutcome.AlreadyPresent, await replay.AddDecisionAsync(warn, CancellationToken.None));
        Assert.Equal(CaseReplayOutcome.NotACase, await replay.AddDecisionAsync(Pre("R2", "REMIND"), CancellationToken.None));
        Assert.Equal("Added 1, AlreadyPresent 1, NotACase 1", replay.Tally.ToString());
        Assert.Null((await _store.GetAsync("R1"))!.Record.Source);
    }

    [Fact]
    public async Task AddDecisionAsync_WithTheFundsCalendar_FlagsTheCaseOnTheFundsDate()
    {
        var replay = new CaseReplay(_store, new CasePolicy(), TimeSpan.FromHours(8));
        var lateEvening = Pre("R1", "BLOCK") with { DecidedAt = new DateTimeOffset(2026, 3, 10, 20, 0, 0, TimeSpan.Zero) };

        await replay.AddDecisionAsync(lateEvening, CancellationToken.None);

        var row = Assert.Single((await _store.QueryAsync(new CaseQuery { Status = StatusFilter.All })).Items);
        Assert.Equal(new DateOnly(2026, 3, 11), row.FlaggedOn);
        Assert.Equal(lateEvening.DecidedAt, row.FlaggedAt); // the same instant
    }

    private static DecisionRecord Pre(string requestId, string action) => new(
        DecisionRecord.SchemaV1, requestId, FlaggedAt, "PRE", "P1", "E1", "OUTPATIENT", "H1", 2, "GEN", "D1", action,
        [new FindingRecord("GZ-SEX-001", "SEX_RESTRICTION", action, "CERTAIN", false, "限男性", "men only", ["1"])],
        "1.0.0", null, false, [], 10, [new LineRecord("1", "X", "DRUG", 1, 100, 100)]);
}
