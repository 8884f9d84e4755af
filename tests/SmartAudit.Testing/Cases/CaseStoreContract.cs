using SmartAudit.Core.Cases;
using Xunit;

namespace SmartAudit.Testing.Cases;

/// <summary>
/// What every case store must do, as tests: the in-memory store and the Redis store each run them by deriving
/// from this class and saying how to make an empty store.
/// </summary>
public abstract class CaseStoreContract
{
    /// <summary>A store with no cases in it.</summary>
    protected abstract Task<ICaseStore> CreateStoreAsync();

    [Fact]
    public async Task Add_ThenGet_ReturnsTheCaseAwaitingFirstReview()
    {
        var store = await CreateStoreAsync();

        Assert.True(await store.AddAsync(Cases.Flagged("C1")));
        var file = await store.GetAsync("C1");

        Assert.NotNull(file);
        Assert.Equal("C1", file.Record.CaseId);
        Assert.Equal("药占比", file.Record.Fraud!.Reasons[0].Message[2..5]);
        Assert.Equal(CaseStatus.AwaitingFirstReview, file.State.Status);
        Assert.Empty(file.Decisions);
    }

    [Fact]
    public async Task Add_SameCaseTwice_KeepsOneCaseAndItsDecisions()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("C1"));
        var first = CaseWorkflow.Decide((await store.GetAsync("C1"))!, Cases.FirstReview(), Cases.ReviewerWang, Cases.FlaggedAt.AddHours(1));
        await store.AppendAsync(first);

        Assert.False(await store.AddAsync(Cases.Flagged("C1", score: 0.1)));

        var file = (await store.GetAsync("C1"))!;
        Assert.Equal(0.9, file.Record.Fraud!.Score);
        Assert.Single(file.Decisions);
        Assert.Equal(1, (await store.QueryAsync(new CaseQuery { Status = StatusFilter.All })).Total);
    }

    [Fact]
    public async Task Append_DecisionsInOrder_MoveTheCaseThroughTheSteps()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("C1"));

        await store.AppendAsync(CaseWorkflow.Decide((await store.GetAsync("C1"))!, Cases.FirstReview(), Cases.ReviewerWang, Cases.FlaggedAt.AddHours(1)));
        await store.AppendAsync(CaseWorkflow.Decide((await store.GetAsync("C1"))!, Cases.SecondReview(deductFen: 8000), Cases.LeadLi, Cases.FlaggedAt.AddHours(2)));

        var file = (await store.GetAsync("C1"))!;
        Assert.Equal(CaseStatus.Confirmed, file.State.Status);
        Assert.Equal(8000, file.State.DeductFen);
        Assert.Equal([CaseStep.FirstReview, CaseStep.SecondReview], file.Decisions.Select(d => d.Step));
        Assert.Equal("两次收取同一项目", file.Decisions[0].Note);
        var row = Assert.Single((await store.QueryAsync(new CaseQuery { Status = StatusFilter.Confirmed })).Items);
        Assert.Equal(8000, row.DeductFen);
    }

    [Fact]
    public async Task Append_ASequenceAlreadyTaken_IsRefusedAndTheFirstDecisionStays()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("C1"));
        var file = (await store.GetAsync("C1"))!;
        var mine = CaseWorkflow.Decide(file, Cases.FirstReview(note: "mine"), Cases.ReviewerWang, Cases.FlaggedAt.AddHours(1));
        var theirs = CaseWorkflow.Decide(file, Cases.FirstReview(CaseOutcome.FalsePositive, note: "theirs"), Cases.ReviewerZhao, Cases.FlaggedAt.AddHours(1));
        await store.AppendAsync(mine);

        await Assert.ThrowsAsync<CaseConflictException>(() => store.AppendAsync(theirs));

        var decision = Assert.Single((await store.GetAsync("C1"))!.Decisions);
        Assert.Equal("mine", decision.Note);
    }

    [Fact]
    public async Task Append_ToAnUnknownCase_IsRefused()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("C1"));
        var decision = CaseWorkflow.Decide((await store.GetAsync("C1"))!, Cases.FirstReview(), Cases.ReviewerWang, Cases.FlaggedAt) with { CaseId = "C-none" };

        await Assert.ThrowsAsync<CaseConflictException>(() => store.AppendAsync(decision));
    }

    [Fact]
    public async Task Query_OrdersByRiskAndFiltersAndPages()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("low", score: 0.2, hospitalId: "H1"));
        await store.AddAsync(Cases.Flagged("high", score: 0.95, hospitalId: "H1", ruleIds: ["GZ-EXC-001"]));
        await store.AddAsync(Cases.Flagged("mid", score: 0.6, hospitalId: "H2"));
        await store.AddAsync(Cases.Flagged("pre", score: null, severity: "BLOCK", stage: "PRE", hospitalId: "H2"));

        var all = await store.QueryAsync(new CaseQuery());
        var h1 = await store.QueryAsync(new CaseQuery { HospitalId = "H1" });
        var rule = await store.QueryAsync(new CaseQuery { RuleId = "GZ-EXC-001" });
        var pre = await store.QueryAsync(new CaseQuery { Stage = "PRE" });
        var second = await store.QueryAsync(new CaseQuery { PageSize = 2, Page = 2 });

        Assert.Equal(["pre", "high", "mid", "low"], all.Items.Select(c => c.CaseId));
        Assert.Equal(["high", "low"], h1.Items.Select(c => c.CaseId));
        Assert.Equal("high", Assert.Single(rule.Items).CaseId);
        Assert.Equal("pre", Assert.Single(pre.Items).CaseId);
        Assert.Equal(4, second.Total);
        Assert.Equal(["mid", "low"], second.Items.Select(c => c.CaseId));
    }

    [Fact]
    public async Task Query_ByDate_IncludesBothEnds()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("d9", at: Cases.FlaggedAt.AddDays(-1)));
        await store.AddAsync(Cases.Flagged("d10", at: Cases.FlaggedAt));
        await store.AddAsync(Cases.Flagged("d11", at: Cases.FlaggedAt.AddDays(1)));

        var page = await store.QueryAsync(new CaseQuery { From = new DateOnly(2026, 3, 10), To = new DateOnly(2026, 3, 11) });

        Assert.Equal(["d11", "d10"], page.Items.Select(c => c.CaseId));
    }

    [Fact]
    public async Task Stats_CountByStatusAndRule_AndSumTheConfirmedAmount()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("C1", ruleIds: ["GZ-DUP-001", "GZ-EXC-001"]));
        await store.AddAsync(Cases.Flagged("C2", at: Cases.FlaggedAt.AddDays(1)));
        await store.AppendAsync(CaseWorkflow.Decide((await store.GetAsync("C1"))!, Cases.FirstReview(), Cases.ReviewerWang, Cases.FlaggedAt.AddHours(1)));
        await store.AppendAsync(CaseWorkflow.Decide((await store.GetAsync("C1"))!, Cases.SecondReview(deductFen: 7000), Cases.LeadLi, Cases.FlaggedAt.AddHours(2)));

        var stats = await store.StatsAsync(new CaseQuery { Status = StatusFilter.All });

        Assert.Equal(2, stats.Total);
        Assert.Equal(1, stats.ByStatus[CaseStatus.Confirmed]);
        Assert.Equal(1, stats.ByStatus[CaseStatus.AwaitingFirstReview]);
        Assert.Equal(new KeyValuePair<string, int>("GZ-DUP-001", 2), stats.ByRule[0]);
        Assert.Equal(7000, stats.ConfirmedDeductFen);
        Assert.Equal([new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 11)], stats.PerDay.Select(d => d.Key));
    }

    [Fact]
    public async Task Clear_RemovesEveryCase()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Cases.Flagged("C1"));

        await store.ClearAsync();

        Assert.Null(await store.GetAsync("C1"));
        Assert.Equal(0, (await store.QueryAsync(new CaseQuery { Status = StatusFilter.All })).Total);
    }
}
