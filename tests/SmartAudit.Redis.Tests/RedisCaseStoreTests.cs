using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using SmartAudit.Redis.Cases;
using SmartAudit.Testing;
using SmartAudit.Testing.Cases;
using TestCases = SmartAudit.Testing.Cases.Cases;
using StackExchange.Redis;

namespace SmartAudit.Redis.Tests;

/// <summary>One redis-server for the case store tests of a class; each test's stores use a key prefix of their own.</summary>
public sealed class RedisCaseFixture : IAsyncLifetime
{
    private readonly List<RedisCaseStore> _stores = [];

    public RedisServerProcess Redis { get; private set; } = null!;

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        Multiplexer = RedisConnection.Connect(new RedisOptions { Configuration = Redis.Configuration, ConnectTimeout = TimeSpan.FromSeconds(2) }, "case-tests");
        Assert.True(await RedisTestServers.EventuallyAsync(() => Task.FromResult(Multiplexer.IsConnected), TimeSpan.FromSeconds(10)), "could not connect to the test's redis-server");
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await Multiplexer.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>A started store on the shared multiplexer under <paramref name="prefix"/> (a new one when null), stopped with the fixture.</summary>
    public async Task<RedisCaseStore> StartStoreAsync(string? prefix = null, IConnectionMultiplexer? multiplexer = null)
    {
        var store = CaseStores.Create(multiplexer ?? Multiplexer, Redis, prefix ?? CaseStores.NewPrefix());
        await store.StartAsync(CancellationToken.None);
        _stores.Add(store);
        return store;
    }
}

internal static class CaseStores
{
    public static string NewPrefix() => $"t{Guid.NewGuid():N}:";

    public static RedisCaseStore Create(IConnectionMultiplexer multiplexer, RedisServerProcess redis, string prefix, TimeSpan? timeout = null) => new(
        multiplexer,
        new RedisKeys(prefix),
        Options.Create(new RedisOptions
        {
            Configuration = redis.Configuration,
            KeyPrefix = prefix,
            OperationTimeout = timeout ?? TimeSpan.FromSeconds(5),
            CaseFeedPollInterval = TimeSpan.FromMilliseconds(50),
        }),
        NullLogger<RedisCaseStore>.Instance);
}

/// <summary>The same contract as the in-memory store, against a real redis-server.</summary>
public sealed class RedisCaseStoreContractTests(RedisCaseFixture fixture) : CaseStoreContract, IClassFixture<RedisCaseFixture>
{
    protected override async Task<ICaseStore> CreateStoreAsync() => await fixture.StartStoreAsync();
}

/// <summary>What the Redis store does beyond the contract: several instances, the feed, outages, scale.</summary>
public sealed class RedisCaseStoreTests(RedisCaseFixture fixture) : IClassFixture<RedisCaseFixture>
{
    private static readonly CaseQuery Everything = new() { Status = StatusFilter.All, PageSize = CaseQuery.MaxPageSize };

    [Fact]
    public async Task DecisionOnOneInstance_ShowsOnTheOthersQueue_WithinASecond()
    {
        var prefix = CaseStores.NewPrefix();
        var a = await fixture.StartStoreAsync(prefix);
        var b = await fixture.StartStoreAsync(prefix);
        await a.AddAsync(TestCases.Flagged("C1"));
        Assert.True(await RedisTestServers.EventuallyAsync(async () => (await b.QueryAsync(Everything)).Total == 1, TimeSpan.FromSeconds(1)));

        var clock = Stopwatch.StartNew();
        await a.AppendAsync(CaseWorkflow.Decide((await a.GetAsync("C1"))!, TestCases.FirstReview(), TestCases.ReviewerWang, TestCases.FlaggedAt.AddHours(1)));
        var seen = await RedisTestServers.EventuallyAsync(
            async () => (await b.QueryAsync(Everything)).Items.Single().Status == CaseStatus.AwaitingSecondReview, TimeSpan.FromSeconds(1));

        Assert.True(seen, $"instance B still showed the case awaiting first review after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(CaseStatus.AwaitingSecondReview, (await a.QueryAsync(Everything)).Items.Single().Status); // A at once: its own write
    }

    [Fact]
    public async Task SameSequenceFromTwoInstances_OnlyOneIsKept()
    {
        var prefix = CaseStores.NewPrefix();
        var a = await fixture.StartStoreAsync(prefix);
        var b = await fixture.StartStoreAsync(prefix);
        await a.AddAsync(TestCases.Flagged("C1"));
        var file = (await b.GetAsync("C1"))!;
        var mine = CaseWorkflow.Decide(file, TestCases.FirstReview(note: "A"), TestCases.ReviewerWang, TestCases.FlaggedAt.AddHours(1));
        var theirs = CaseWorkflow.Decide(file, TestCases.FirstReview(CaseOutcome.FalsePositive, note: "B"), TestCases.ReviewerZhao, TestCases.FlaggedAt.AddHours(1));

        var results = await Task.WhenAll(Try(a.AppendAsync(mine)), Try(b.AppendAsync(theirs)));

        Assert.Equal(1, results.Count(r => r is null));
        Assert.IsType<CaseConflictException>(Assert.Single(results, r => r is not null));
        Assert.Single((await a.GetAsync("C1"))!.Decisions);
    }

    [Fact]
    public async Task NewInstance_LoadsEveryCaseWithItsState()
    {
        var prefix = CaseStores.NewPrefix();
        var writer = await fixture.StartStoreAsync(prefix);
        for (var i = 0; i < 1_200; i++)
        {
            await writer.AddAsync(TestCases.Flagged($"C{i:0000}", score: (i % 100) / 100.0));
        }

        for (var i = 0; i < 1_200; i += 7)
        {
            await writer.AppendAsync(CaseWorkflow.Decide((await writer.GetAsync($"C{i:0000}"))!, TestCases.FirstReview(), TestCases.ReviewerWang, TestCases.FlaggedAt.AddHours(1)));
        }

        var reader = await fixture.StartStoreAsync(prefix);
        var query = new CaseQuery { Status = StatusFilter.All, PageSize = 100, Page = 3 };

        Assert.Equal(await writer.QueryAsync(query), await reader.QueryAsync(query), PageComparer.Instance);
        Assert.Equal(172, (await reader.StatsAsync(Everything)).ByStatus[CaseStatus.AwaitingSecondReview]);
    }

    [Fact]
    public async Task Clear_OnOneInstance_EmptiesTheOthers_ThenTheyFollowNewCases()
    {
        var prefix = CaseStores.NewPrefix();
        var a = await fixture.StartStoreAsync(prefix);
        var b = await fixture.StartStoreAsync(prefix);
        await a.AddAsync(TestCases.Flagged("old"));
        Assert.True(await RedisTestServers.EventuallyAsync(async () => (await b.QueryAsync(Everything)).Total == 1, TimeSpan.FromSeconds(2)));

        await a.ClearAsync();
        await a.AddAsync(TestCases.Flagged("new"));

        Assert.True(await RedisTestServers.EventuallyAsync(
            async () => (await b.QueryAsync(Everything)).Items.Select(c => c.CaseId).SequenceEqual(["new"]), TimeSpan.FromSeconds(2)));
        Assert.Null(await b.GetAsync("old"));
    }

    [Fact]
    public async Task ACaseWrittenByHandThatCannotBeRead_IsLeftOffTheQueue_TheOthersAreServed()
    {
        var prefix = CaseStores.NewPrefix();
        var writer = await fixture.StartStoreAsync(prefix);
        await writer.AddAsync(TestCases.Flagged("C1"));
        await fixture.Multiplexer.GetDatabase().HashSetAsync(new RedisKeys(prefix).CaseQueue, "C2", "{not json");

        var reader = await fixture.StartStoreAsync(prefix);

        Assert.Equal(["C1"], (await reader.QueryAsync(Everything)).Items.Select(c => c.CaseId));
    }

    [Fact]
    public async Task RedisDown_FailsFastAsUnavailable_AndRecoversByItself()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var multiplexer = RedisConnection.Connect(new RedisOptions { Configuration = redis.Configuration, ConnectTimeout = TimeSpan.FromMilliseconds(500) }, "case-outage");
        await using var store = CaseStores.Create(multiplexer, redis, CaseStores.NewPrefix(), TimeSpan.FromSeconds(2));
        await store.StartAsync(CancellationToken.None);
        await store.AddAsync(TestCases.Flagged("C1"));
        Assert.Equal(1, (await store.QueryAsync(Everything)).Total);

        redis.Kill();
        Assert.True(await RedisTestServers.EventuallyAsync(() => Task.FromResult(!multiplexer.IsConnected), TimeSpan.FromSeconds(2)));
        var clock = Stopwatch.StartNew();
        var add = await Assert.ThrowsAsync<CaseStoreUnavailableException>(() => store.AddAsync(TestCases.Flagged("C2")));
        var afterAdd = clock.ElapsedMilliseconds;
        await Assert.ThrowsAsync<CaseStoreUnavailableException>(() => store.GetAsync("C1"));
        var afterGet = clock.ElapsedMilliseconds;
        await Assert.ThrowsAsync<CaseStoreUnavailableException>(() => store.QueryAsync(Everything));
        var afterQuery = clock.ElapsedMilliseconds;
        await Assert.ThrowsAsync<CaseStoreUnavailableException>(() => store.AppendAsync(
            CaseWorkflow.Decide(new CaseFile(TestCases.Flagged("C1"), []), TestCases.FirstReview(), TestCases.ReviewerWang, TestCases.FlaggedAt)));

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500),
            $"four calls took {clock.ElapsedMilliseconds} ms (add {afterAdd}, get {afterGet}, query {afterQuery})");
        Assert.Contains("case store unreachable", add.Message, StringComparison.Ordinal);

        await redis.StartAgainAsync(); // empty: the restart lost C1
        Assert.True(await RedisTestServers.EventuallyAsync(async () =>
        {
            try
            {
                await store.AddAsync(TestCases.Flagged("C3"));
                return (await store.QueryAsync(Everything)).Items.Select(c => c.CaseId).SequenceEqual(["C3"]);
            }
            catch (CaseStoreUnavailableException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task HundredThousandCases_LoadInSeconds_AndAPageIsMilliseconds()
    {
        var prefix = CaseStores.NewPrefix();
        var writer = CaseStores.Create(fixture.Multiplexer, fixture.Redis, prefix);
        var adds = new List<Task<bool>>(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            adds.Add(writer.AddAsync(TestCases.Flagged($"C{i:000000}", score: (i % 997) / 997.0, hospitalId: $"H{i % 40:00}")));
            if (adds.Count == 500)
            {
                await Task.WhenAll(adds);
                adds.Clear();
            }
        }

        await Task.WhenAll(adds);

        var loading = Stopwatch.StartNew();
        var reader = await fixture.StartStoreAsync(prefix);
        Assert.True(await RedisTestServers.EventuallyAsync(() => Task.FromResult(reader.IsCurrent), TimeSpan.FromSeconds(60)));
        var loaded = loading.Elapsed;
        var querying = Stopwatch.StartNew();
        var page = await reader.QueryAsync(new CaseQuery { HospitalId = "H07", Page = 20 });
        var queried = querying.Elapsed;

        Assert.Equal(100_000, reader.LoadedCases);
        Assert.Equal(2_500, page.Total);
        Assert.True(loaded < TimeSpan.FromSeconds(30), $"loading took {loaded.TotalSeconds:0.0} s");
        Assert.True(queried < TimeSpan.FromMilliseconds(250), $"a page took {queried.TotalMilliseconds:0} ms");
        await writer.ClearAsync();
    }

    private static async Task<Exception?> Try(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (CaseConflictException ex)
        {
            return ex;
        }
    }

    private sealed class PageComparer : IEqualityComparer<CasePage>
    {
        public static readonly PageComparer Instance = new();

        public bool Equals(CasePage? x, CasePage? y) =>
            x!.Total == y!.Total && x.Items.Select(Row).SequenceEqual(y.Items.Select(Row));

        public int GetHashCode(CasePage obj) => obj.Total;

        private static string Row(CaseSummary s) => $"{s.CaseId}|{s.Risk}|{s.Status}|{s.DeductFen}|{string.Join(',', s.RuleIds)}";
    }
}

public sealed class CaseRowsTests
{
    [Fact]
    public void WithState_GivesTheRowCaseSummaryFromGives()
    {
        var record = TestCases.Flagged("C1", ruleIds: ["GZ-DUP-001", "GZ-EXC-001"]);
        var first = CaseWorkflow.Decide(new CaseFile(record, []), TestCases.FirstReview(), TestCases.ReviewerWang, TestCases.FlaggedAt.AddHours(1));
        var second = CaseWorkflow.Decide(new CaseFile(record, [first]), TestCases.SecondReview(deductFen: 6000), TestCases.LeadLi, TestCases.FlaggedAt.AddHours(2));
        var state = CaseState.Fold([first, second]);
        var stored = CaseRows.Read(CaseRows.ToUtf8(CaseSummary.From(record, CaseState.New)));

        var row = CaseRows.WithState(stored, state);
        var expected = CaseSummary.From(record, state);

        Assert.Equal(expected, row with { RuleIds = expected.RuleIds });
        Assert.Equal(expected.RuleIds, row.RuleIds);
    }
}
