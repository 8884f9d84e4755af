using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using StackExchange.Redis;
using static SmartAudit.Redis.Tests.RedisTestServers;

namespace SmartAudit.Redis.Tests;

/// <summary>
/// Issue 16, item 4: a published bundle can never stop a server. Damaged bundles (members missing or null, a
/// gzip bomb, bytes under a hash not theirs) are activated while servers run and while they start.
/// </summary>
public sealed class BadBundleTests : IAsyncLifetime
{
    private readonly string _cache = TempFolder();
    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private RuleSetStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        (_multiplexer, _store) = await ConnectStoreAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        await _multiplexer.DisposeAsync();
        await _redis.DisposeAsync();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Theory]
    [InlineData("no-files")]
    [InlineData("null-file-entry")]
    [InlineData("null-file-content")]
    [InlineData("short-content-hash")]
    [InlineData("gzip-bomb")]
    public async Task DamagedBundle_ActivatedWhileServing_IsRefused_AndTheHostKeepsServing(string damage)
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using var server = await StartServerAsync(_redis, _cache);
        using var rejected = new CounterListener(server.Services.GetRequiredService<IMeterFactory>(), "smartaudit.ruleset.loads", "outcome", "rejected");
        var damaged = await PublishDamagedAsync(damage, "2.0.0");

        var status = server.Services.GetRequiredService<RuleSetStatus>();
        Assert.True(await EventuallyAsync(() => Task.FromResult(status.RejectedHash == damaged), TimeSpan.FromSeconds(10)), "the damaged version was not refused");

        AssertHostRunning(server);
        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(v1, response.RuleSetVersion);
        Assert.False(response.Degraded);
        var health = await RuleSetStoreHealthAsync(server);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("refused", health.Description, StringComparison.Ordinal);
        Assert.True(rejected.Total >= 1);
        await AssertTakesTheNextGoodVersionAsync(server, "3.0.0");
    }

    [Fact]
    public async Task ActivePointer_ToAShortNameHoldingAnotherBundle_IsRefused_AndTheHostKeepsServing()
    {
        // Written by hand, not by 'rules activate': a name shorter than a hash, holding a sound bundle of another hash.
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using var server = await StartServerAsync(_redis, _cache);
        var db = _multiplexer.GetDatabase();
        await db.StringSetAsync(_store.Keys.Bundle("abc"), TestBundles.Version("2.0.0").Bytes);
        await db.StringSetAsync(_store.Keys.Active("production"), "abc");

        var status = server.Services.GetRequiredService<RuleSetStatus>();
        Assert.True(await EventuallyAsync(() => Task.FromResult(status.RejectedHash == "abc"), TimeSpan.FromSeconds(10)), "the pointer was not refused");

        AssertHostRunning(server);
        Assert.Equal(v1, (await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion);
        await AssertTakesTheNextGoodVersionAsync(server, "3.0.0");
    }

    [Fact]
    public async Task UnexpectedFailureWhileLoading_DoesNotStopTheHost_AndLaterVersionsAreTaken()
    {
        await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using var server = await StartServerAsync(_redis, _cache);
        // A metrics listener that throws on the next load: a failure of no type the loader expects, in the middle of a reload.
        using (var faulty = new ThrowingListener(server.Services.GetRequiredService<IMeterFactory>(), "smartaudit.ruleset.loads"))
        {
            await _store.PublishAsync(TestBundles.Version("2.0.0"));
            Assert.True(await EventuallyAsync(() => Task.FromResult(faulty.Thrown > 0), TimeSpan.FromSeconds(10)), "the fault was not reached");
            await Task.Delay(500);
        }

        AssertHostRunning(server);
        await AssertTakesTheNextGoodVersionAsync(server, "3.0.0");
    }

    [Fact]
    public async Task ActiveVersionRefusedAtStart_ServerStartsOnTheCachedBundle_Degraded()
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using (await StartServerAsync(_redis, _cache))
        {
            // The first server leaves the active bundle in the local cache.
        }

        var damaged = await PublishDamagedAsync("no-files", "2.0.0");
        await using var server = await StartServerAsync(_redis, _cache);

        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(v1, response.RuleSetVersion);
        Assert.True(response.Degraded);
        Assert.Contains(response.DegradedReasons, r => r.Contains("local cache", StringComparison.Ordinal) && r.Contains("refused", StringComparison.Ordinal));
        var status = server.Services.GetRequiredService<RuleSetStatus>();
        Assert.Equal(damaged, status.RejectedHash);
        var health = await RuleSetStoreHealthAsync(server);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(nameof(RuleSetOrigin.LocalCache), health.Data["origin"]);
        Assert.Contains("files", health.Description, StringComparison.Ordinal);

        // A sound version activated later is taken, and the server is no longer degraded.
        var v3 = await _store.PublishAsync(TestBundles.Version("3.0.0"));
        Assert.True(await EventuallyAsync(async () => (await server.Client.CheckAsync(WireOrders.FiveLineOrder())) is { Degraded: false } r && r.RuleSetVersion == v3, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task CorruptCachedBundle_IsSetAside_AndThePreviousCachedBundleUsed()
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using (var first = await StartServerAsync(_redis, _cache))
        {
            // Two good loads: the cache keeps the newest and the one before it.
            var v2 = await _store.PublishAsync(TestBundles.Version("2.0.0"));
            Assert.True(await EventuallyAsync(async () => (await first.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion == v2, TimeSpan.FromSeconds(10)));
        }

        var cached = Directory.GetFiles(_cache, "production.ruleset.json.gz").Single();
        await File.WriteAllBytesAsync(cached, BundleDamage.Named("null-file-entry", await File.ReadAllBytesAsync(cached)));
        await PublishDamagedAsync("no-files", "4.0.0");

        await using var server = await StartServerAsync(_redis, _cache);

        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(v1, response.RuleSetVersion);
        Assert.True(response.Degraded);
        Assert.True(File.Exists(cached + ".bad"), "the corrupt cached bundle was not set aside");
        Assert.False(File.Exists(cached), "the corrupt cached bundle is still in use");
    }

    [Fact]
    public async Task OnlyCachedBundleCorrupt_AndFolderFallbackAllowed_StartsFromTheFolder()
    {
        await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using (await StartServerAsync(_redis, _cache))
        {
        }

        var cached = Directory.GetFiles(_cache, "production.ruleset.json.gz").Single();
        await File.WriteAllBytesAsync(cached, BundleDamage.Named("gzip-bomb", []));
        await PublishDamagedAsync("null-files", "2.0.0");

        await using var server = await StartServerAsync(_redis, _cache, "Redis:FallbackToRulesFolder=true");

        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(ShippedRules.RuleSet.Version, response.RuleSetVersion);
        Assert.Contains(response.DegradedReasons, r => r.Contains("rule-set folder", StringComparison.Ordinal));
        Assert.True(File.Exists(cached + ".bad"));
    }

    /// <summary>Publishes and activates a damaged bundle posing as <paramref name="semanticVersion"/>; returns the hash it is stored under.</summary>
    private async Task<string> PublishDamagedAsync(string damage, string semanticVersion)
    {
        var sound = TestBundles.Version(semanticVersion);
        var bytes = BundleDamage.Named(damage, sound.Bytes);
        var posing = BundleDamage.Posing(sound.Bundle, semanticVersion, bytes);
        await _store.PublishAsync((posing, bytes));
        return posing.ContentHash;
    }

    private async Task AssertTakesTheNextGoodVersionAsync(AuditServerHost server, string semanticVersion)
    {
        var next = await _store.PublishAsync(TestBundles.Version(semanticVersion));
        Assert.True(await EventuallyAsync(async () => (await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion == next, TimeSpan.FromSeconds(10)),
            "the next good version was not taken");
        AssertHostRunning(server);
    }

    private static void AssertHostRunning(AuditServerHost server) =>
        Assert.False(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the host is stopping");

    private static async Task<HealthReportEntry> RuleSetStoreHealthAsync(AuditServerHost server) =>
        (await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["rule-set-store"];

    /// <summary>Throws from inside the instrument's recording, once per measurement, while it lives.</summary>
    private sealed class ThrowingListener : IDisposable
    {
        private readonly MeterListener _listener;
        private int _thrown;

        public ThrowingListener(IMeterFactory factory, string instrumentName)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Scope == factory && instrument.Name == instrumentName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
            {
                Interlocked.Increment(ref _thrown);
                throw new InvalidOperationException("injected: the metrics listener failed");
            });
            _listener.Start();
        }

        public int Thrown => Volatile.Read(ref _thrown);

        public void Dispose() => _listener.Dispose();
    }
}
