using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using SmartAudit.Core.History;
using SmartAudit.Redis.History;
using SmartAudit.Testing;
using SmartAudit.Testing.History;
using StackExchange.Redis;

namespace SmartAudit.Redis.Tests;

/// <summary>One redis-server for the history store tests of a class; patient ids are unique per test.</summary>
public sealed class RedisHistoryFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; private set; } = null!;

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        Multiplexer = RedisConnection.Connect(new RedisOptions { Configuration = Redis.Configuration + ",allowAdmin=true", ConnectTimeout = TimeSpan.FromMilliseconds(500) }, "history-tests");

        // The store fails fast while disconnected (by design); on a busy machine the first connection can take
        // longer than the connect timeout, so the tests start once it is up rather than fail on "no connection".
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Multiplexer.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await Multiplexer.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>A store on the shared multiplexer; a generous timeout so that a busy test machine does not fail the contract.</summary>
    public RedisPatientHistoryStore Store(HistoryOptions options, TimeSpan? timeout = null) => new(
        Multiplexer,
        new RedisKeys("smartaudit:"),
        Options.Create(new RedisOptions { Configuration = Redis.Configuration, HistoryTimeout = timeout ?? TimeSpan.FromSeconds(2) }),
        Options.Create(options),
        TimeProvider.System,
        new NoMeters());

    private sealed class NoMeters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}

/// <summary>The same contract as the in-memory store, against a real redis-server.</summary>
public sealed class RedisPatientHistoryStoreTests(RedisHistoryFixture fixture) : PatientHistoryStoreContract, IClassFixture<RedisHistoryFixture>
{
    protected override Task<IPatientHistoryStore> CreateStoreAsync(HistoryOptions options) => Task.FromResult<IPatientHistoryStore>(fixture.Store(options));

    [Fact]
    public async Task Get_IsOneCommandToRedis()
    {
        var store = fixture.Store(new HistoryOptions());
        var patient = NewPatientId();
        for (var i = 0; i < 10; i++)
        {
            await store.RecordAsync(Visit(patient, $"E{i}", Day.AddDays(-i), lines: [Dispensed($"E{i}", "A", Day.AddDays(-i)), Dispensed($"E{i}", "B", Day.AddDays(-i))]), CancellationToken.None);
        }

        var before = await CommandsProcessedAsync();
        var history = await store.GetAsync(patient, CancellationToken.None);
        var after = await CommandsProcessedAsync();

        Assert.Equal(10, history.Encounters.Count);
        Assert.Equal(20, history.Lines.Count);
        Assert.Equal(1, after - before - 1); // the second INFO counts itself
    }

    [Fact]
    public async Task Record_ManyEncounters_KeepsRedisMemoryBounded_AndSetsAnExpiry()
    {
        var options = new HistoryOptions { MaxEncounters = 5, MaxLines = 8, RetentionDays = 90 };
        var store = fixture.Store(options);
        var patient = NewPatientId();
        for (var i = 0; i < 200; i++)
        {
            await store.RecordAsync(Visit(patient, $"E{i:000}", Day.AddDays(i - 200), lines: [Dispensed($"E{i:000}", "A", Day.AddDays(i - 200)), Dispensed($"E{i:000}", "B", Day.AddDays(i - 200))]),
                CancellationToken.None);
        }

        var keys = new RedisKeys("smartaudit:");
        var db = fixture.Multiplexer.GetDatabase();
        var encountersHeld = await db.SortedSetLengthAsync(keys.HistoryOrder(patient));
        Assert.InRange(encountersHeld, 5, 5 + 4); // the newest 5, and older ones only while their lines fit in 8
        Assert.Equal(2 * encountersHeld, await db.HashLengthAsync(keys.History(patient)));
        var ttl = await db.KeyTimeToLiveAsync(keys.History(patient));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(89), TimeSpan.FromDays(90));
        Assert.DoesNotContain(patient, (string)keys.History(patient)!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisDown_FailsFastAsUnavailable_AndRecoversByItself()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        using var multiplexer = RedisConnection.Connect(new RedisOptions { Configuration = redis.Configuration, ConnectTimeout = TimeSpan.FromMilliseconds(500) }, "outage");
        using var meters = new TestMeterFactory();
        using var unavailable = new CounterListener(meters, "smartaudit.history.unavailable");
        var store = new RedisPatientHistoryStore(multiplexer, new RedisKeys("smartaudit:"),
            Options.Create(new RedisOptions { Configuration = redis.Configuration, HistoryTimeout = TimeSpan.FromMilliseconds(50) }),
            Options.Create(new HistoryOptions()), TimeProvider.System, meters);
        var patient = NewPatientId();
        await store.RecordAsync(Visit(patient, "E1", Day), CancellationToken.None);

        redis.Kill();
        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<HistoryUnavailableException>(async () => await store.GetAsync(patient, CancellationToken.None));
        var failedAfter = clock.Elapsed;

        Assert.True(failedAfter < TimeSpan.FromMilliseconds(500), $"took {failedAfter.TotalMilliseconds:0} ms");
        Assert.Contains("history store", failure.Message, StringComparison.Ordinal);
        Assert.True(unavailable.Total >= 1);

        await redis.StartAgainAsync();
        Assert.True(await RedisTestServers.EventuallyAsync(async () =>
        {
            try
            {
                await store.RecordAsync(Visit(patient, "E2", Day), CancellationToken.None);
                return (await store.GetAsync(patient, CancellationToken.None)).Encounters.Count == 1; // the restart lost E1
            }
            catch (HistoryUnavailableException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RedisDown_EncounterAnsweredMeanwhile_IsSeenByLaterReadsAndWrittenBackWhenRedisReturns()
    {
        // Once, encounters answered while Redis was down were never written: later cross-hospital and frequency rules missed them.
        await using var redis = await RedisServerProcess.StartAsync();
        using var multiplexer = RedisConnection.Connect(new RedisOptions { Configuration = redis.Configuration, ConnectTimeout = TimeSpan.FromMilliseconds(500) }, "backlog");
        RedisPatientHistoryStore NewStore() => new(multiplexer, new RedisKeys("smartaudit:"),
            Options.Create(new RedisOptions { Configuration = redis.Configuration, HistoryTimeout = TimeSpan.FromMilliseconds(200) }),
            Options.Create(new HistoryOptions()), TimeProvider.System, new TestMeterFactory());
        var store = NewStore();
        var patient = NewPatientId();
        Assert.True(await RedisTestServers.EventuallyAsync(() => Task.FromResult(multiplexer.IsConnected), TimeSpan.FromSeconds(10)));

        redis.Kill();
        await Assert.ThrowsAsync<HistoryUnavailableException>(async () => await store.RecordAsync(Visit(patient, "E-down", Day), CancellationToken.None));
        var exchange = await store.ReadAndRecordAsync(Visit(patient, "E-down-2", Day), CancellationToken.None);
        Assert.NotNull(exchange.RecordFailure);
        Assert.Equal(2, store.Backlog.Count);

        await redis.StartAgainAsync();
        Assert.True(await RedisTestServers.EventuallyAsync(async () =>
        {
            try
            {
                // before the write-back, a read of the patient already sees both
                return (await store.GetAsync(patient, CancellationToken.None)).Encounters.Count == 2;
            }
            catch (HistoryUnavailableException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10)));

        Assert.Equal(2, await store.ReplayBacklogAsync(CancellationToken.None));
        Assert.Equal(0, store.Backlog.Count);
        var fresh = await NewStore().GetAsync(patient, CancellationToken.None); // another instance: only what Redis holds
        Assert.Equal(["E-down", "E-down-2"], fresh.Encounters.Select(e => e.EncounterId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RedisTooSlow_TimesOutWithinTheBudget()
    {
        var store = fixture.Store(new HistoryOptions(), TimeSpan.FromMilliseconds(20));
        var patient = NewPatientId();
        await fixture.Store(new HistoryOptions()).RecordAsync(Visit(patient, "E1", Day), CancellationToken.None);
        // Every client waits 300 ms: Redis is up but slow.
        await fixture.Multiplexer.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "300", "ALL");

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<HistoryUnavailableException>(async () => await store.GetAsync(patient, CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(200), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains("did not answer within 20 ms", failure.Message, StringComparison.Ordinal);
        await Task.Delay(350);
    }

    [Fact]
    public async Task ReadAndRecord_RedisTooSlow_BothHalvesFailWithinTheBudget_AndSaySo()
    {
        var store = fixture.Store(new HistoryOptions(), TimeSpan.FromMilliseconds(20));
        var patient = NewPatientId();
        await fixture.Multiplexer.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "300", "ALL");

        var clock = Stopwatch.StartNew();
        var exchange = await store.ReadAndRecordAsync(Visit(patient, "E1", Day), CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(200), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(exchange.History.IsEmpty);
        Assert.Contains("did not answer within 20 ms", exchange.ReadFailure, StringComparison.Ordinal);
        Assert.Equal(exchange.ReadFailure, exchange.RecordFailure);
        await Task.Delay(350);
    }

    private async Task<long> CommandsProcessedAsync()
    {
        var info = await fixture.Multiplexer.GetServers()[0].InfoAsync("stats");
        return long.Parse(info.SelectMany(g => g).Single(p => p.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture);
    }

    internal sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
