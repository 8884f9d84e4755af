using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmartAudit.Contracts.V1;
using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;
using static SmartAudit.Redis.Tests.RedisTestServers;

namespace SmartAudit.Redis.Tests;

/// <summary>Servers on a real redis-server: loading the active version, reloading on activation, refusing bad ones.</summary>
public sealed class HotReloadTests(ITestOutputHelper output) : IAsyncLifetime
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

    [Fact]
    public async Task Server_StartsOnTheEnvironmentsActiveVersion()
    {
        await _store.PublishAsync(TestBundles.Version("1.0.0"), "staging");
        var production = await _store.PublishAsync(TestBundles.Version("2.0.0"));
        await using var server = await StartServerAsync(_redis, _cache);

        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());

        Assert.Equal(production, response.RuleSetVersion);
        Assert.False(response.Degraded);
        Assert.Equal(HealthStatus.Healthy, (await RuleSetStoreHealthAsync(server)).Status);
    }

    [Fact]
    public async Task TwoServers_PickUpAPublishedVersion_WithinASecond()
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        // A long poll interval: only the activation announcement can make them reload this fast.
        await using var a = await StartServerAsync(_redis, Path.Combine(_cache, "a"), "Redis:RuleSetPollInterval=00:01:00");
        await using var b = await StartServerAsync(_redis, Path.Combine(_cache, "b"), "Redis:RuleSetPollInterval=00:01:00");
        Assert.Equal(v1, (await a.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion);
        Assert.Equal(v1, (await b.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion);
        var v2 = TestBundles.Version("2.0.0");

        var clock = Stopwatch.StartNew();
        await _store.PublishAsync(v2);
        var served = await Task.WhenAll(ServedWithinAsync(a, v2.Bundle.DisplayVersion, clock), ServedWithinAsync(b, v2.Bundle.DisplayVersion, clock));

        output.WriteLine($"publish to served: server A {served[0].TotalMilliseconds:0} ms, server B {served[1].TotalMilliseconds:0} ms");
        Assert.All(served, s => Assert.True(s < TimeSpan.FromSeconds(1), $"served the new version after {s.TotalMilliseconds:0} ms"));
    }

    [Fact]
    public async Task BadBundle_IsRefused_AndTheRunningVersionKeepsServing()
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using var server = await StartServerAsync(_redis, _cache);
        using var rejected = new CounterListener(server.Services.GetRequiredService<IMeterFactory>(), "smartaudit.ruleset.loads", "outcome", "rejected");
        var broken = TestBundles.Broken("2.0.0");

        await _store.PublishAsync(broken);

        var status = server.Services.GetRequiredService<RuleSetStatus>();
        Assert.True(await EventuallyAsync(() => Task.FromResult(status.RejectedHash == broken.Bundle.ContentHash), TimeSpan.FromSeconds(5)));
        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(v1, response.RuleSetVersion);
        Assert.False(response.Degraded);
        var health = await RuleSetStoreHealthAsync(server);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(broken.Bundle.DisplayVersion, health.Data["rejectedVersion"]);
        Assert.Contains("GZ-SEX-001", health.Description, StringComparison.Ordinal);
        Assert.True(rejected.Total >= 1);

        // The next good version is taken, and health is clear again.
        var v3 = await _store.PublishAsync(TestBundles.Version("3.0.0"));
        Assert.True(await EventuallyAsync(async () => (await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion == v3, TimeSpan.FromSeconds(5)));
        Assert.Equal(HealthStatus.Healthy, (await RuleSetStoreHealthAsync(server)).Status);
    }

    [Fact]
    public async Task ConcurrentRequests_DuringReloads_AreAllAnswered()
    {
        var v1 = TestBundles.Version("1.0.0");
        var v2 = TestBundles.Version("2.0.0");
        await _store.PublishAsync(v2);
        await _store.PublishAsync(v1);
        await using var server = await StartServerAsync(_redis, _cache);
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 6).Select(i => UnaryCallerAsync(server, i, stop.Token))
            .Concat(Enumerable.Range(0, 2).Select(i => StreamCallerAsync(server, i, stop.Token))).ToList();

        for (var flip = 0; flip < 10; flip++)
        {
            // Each reload is waited for (a 50,000-item set takes a moment to compile on a busy machine), so
            // that ten whole reloads happen under the callers' load.
            var next = flip % 2 == 0 ? v2 : v1;
            await _store.ActivateAsync("production", next.Bundle.ContentHash);
            Assert.True(await EventuallyAsync(async () => (await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion == next.Bundle.DisplayVersion,
                TimeSpan.FromSeconds(10)), $"reload {flip} to {next.Bundle.DisplayVersion} did not happen");
        }

        await Task.Delay(100);
        await stop.CancelAsync();
        var results = await Task.WhenAll(callers);

        var answered = results.Sum(r => r.Answered);
        output.WriteLine($"{answered} requests answered during 10 reloads, {results.Sum(r => r.Failed)} failed");
        Assert.All(results, r => Assert.Equal(0, r.Failed));
        Assert.True(answered > 100, $"only {answered} answered");
        var versions = results.SelectMany(r => r.Versions).ToHashSet();
        Assert.Equal([v1.Bundle.DisplayVersion, v2.Bundle.DisplayVersion], versions.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task RedisDownAtStart_ServerStartsOnTheCachedBundle_DegradedUntilRedisIsBack()
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using (await StartServerAsync(_redis, _cache))
        {
            // The first server leaves the active bundle in the local cache.
        }

        await _redis.SaveAndStopAsync();
        await using var server = await StartServerAsync(_redis, _cache);

        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(v1, response.RuleSetVersion);
        Assert.True(response.Degraded);
        Assert.Contains(response.DegradedReasons, r => r.Contains("local cache", StringComparison.Ordinal) && r.Contains("Redis unreachable", StringComparison.Ordinal));
        var health = await RuleSetStoreHealthAsync(server);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(nameof(RuleSetOrigin.LocalCache), health.Data["origin"]);

        await _redis.StartAgainAsync();
        Assert.True(await EventuallyAsync(async () => !(await server.Client.CheckAsync(WireOrders.FiveLineOrder())).Degraded, TimeSpan.FromSeconds(5)));
        Assert.Equal(HealthStatus.Healthy, (await RuleSetStoreHealthAsync(server)).Status);
    }

    [Fact]
    public async Task NoRedisAndNoCache_ServerStarts_NotServing_SayingHowToFallBack()
    {
        _redis.Kill();

        await using var server = await StartServerAsync(_redis, _cache);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.CheckAsync(WireOrders.FiveLineOrder()));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Redis unreachable", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Redis:FallbackToRulesFolder=true", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await GrpcHealthAsync(server, "smartaudit.v1.AuditService"));
    }

    [Fact]
    public async Task NothingPublished_ServerStartsUnavailable_ThenServesTheFirstVersionActivated()
    {
        // Redis answers, but no version was ever activated in this environment, and there is no cache.
        await using var server = await StartServerAsync(_redis, _cache);
        using var stream = server.Client.CheckStream();

        // Unary: UNAVAILABLE saying why (the HIS lets the order through); a stream answers each order in-band and stays open.
        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.CheckAsync(WireOrders.FiveLineOrder("U1")));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("no active rule set in environment 'production'", error.Status.Detail, StringComparison.Ordinal);
        await stream.RequestStream.WriteAsync(WireOrders.FiveLineOrder("S1"));
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("S1", stream.ResponseStream.Current.RequestId);
        Assert.Equal((int)StatusCode.Unavailable, stream.ResponseStream.Current.Error.Code);

        // Health: NOT_SERVING for the server and for the audit; the status detail names the component and why.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await GrpcHealthAsync(server, ""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await GrpcHealthAsync(server, "smartaudit.v1.AuditService"));
        var status = await new StatusService.StatusServiceClient(server.Channel).GetStatusAsync(new StatusRequest());
        Assert.Equal(ComponentState.Unhealthy, status.State);
        var store = Assert.Single(status.Components, c => c.Name == "rule-set-store");
        Assert.Equal(ComponentState.Unhealthy, store.State);
        Assert.Contains("smartaudit rules publish", store.Description, StringComparison.Ordinal);

        // The first version activated is picked up without a restart, on the same stream too.
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        Assert.True(await EventuallyAsync(async () =>
        {
            try
            {
                return (await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion == v1;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(5)));
        await stream.RequestStream.WriteAsync(WireOrders.FiveLineOrder("S2"));
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(v1, stream.ResponseStream.Current.RuleSetVersion);
        Assert.Null(stream.ResponseStream.Current.Error);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await GrpcHealthAsync(server, "smartaudit.v1.AuditService"));
        await stream.RequestStream.CompleteAsync();
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> GrpcHealthAsync(AuditServerHost server, string service) =>
        (await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest { Service = service })).Status;

    [Fact]
    public async Task NoRedisAndNoCache_FolderFallbackWhenAllowed_Degraded()
    {
        _redis.Kill();

        await using var server = await StartServerAsync(_redis, _cache, "Redis:FallbackToRulesFolder=true");

        var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder());
        Assert.Equal(ShippedRules.RuleSet.Version, response.RuleSetVersion);
        Assert.Contains(response.DegradedReasons, r => r.Contains("rule-set folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedisStoppedAndRestarted_DuringAStream_EveryRequestIsAnswered()
    {
        var v1 = await _store.PublishAsync(TestBundles.Version("1.0.0"));
        await using var server = await StartServerAsync(_redis, _cache);
        var status = server.Services.GetRequiredService<RuleSetStatus>();
        using var call = server.Client.CheckStream();
        var sent = 0;
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await call.RequestStream.WriteAsync(WireOrders.FiveLineOrder($"S{sent++}"));
                await Task.Delay(2);
            }

            await call.RequestStream.CompleteAsync();
        });
        var responses = new List<CheckResponse>();
        var reader = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                responses.Add(response);
            }
        });

        await Task.Delay(200);
        _redis.Kill();
        Assert.True(await EventuallyAsync(() => Task.FromResult(!status.StoreReachable), TimeSpan.FromSeconds(5)), "the outage was not noticed");
        Assert.Equal(HealthStatus.Degraded, (await RuleSetStoreHealthAsync(server)).Status);
        await Task.Delay(300);
        await _redis.StartAgainAsync();
        Assert.True(await EventuallyAsync(() => Task.FromResult(status.StoreReachable), TimeSpan.FromSeconds(5)), "the recovery was not noticed");
        await Task.Delay(200);
        await stop.CancelAsync();
        await sender;
        await reader;

        output.WriteLine($"{responses.Count} responses to {sent} requests across the outage");
        Assert.Equal(sent, responses.Count);
        Assert.All(responses, r => Assert.Null(r.Error));
        Assert.All(responses, r => Assert.Equal(v1, r.RuleSetVersion));
    }

    private static async Task<TimeSpan> ServedWithinAsync(AuditServerHost server, string version, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if ((await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion == version)
            {
                return clock.Elapsed;
            }
        }

        return clock.Elapsed;
    }

    private static async Task<HealthReportEntry> RuleSetStoreHealthAsync(AuditServerHost server) =>
        (await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["rule-set-store"];

    private sealed record CallerResult(int Answered, int Failed, HashSet<string> Versions);

    private static async Task<CallerResult> UnaryCallerAsync(AuditServerHost server, int caller, CancellationToken stop)
    {
        int answered = 0, failed = 0;
        var versions = new HashSet<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var response = await server.Client.CheckAsync(WireOrders.FiveLineOrder($"U{caller}-{answered}"), cancellationToken: CancellationToken.None);
                versions.Add(response.RuleSetVersion);
                answered++;
            }
            catch (RpcException)
            {
                failed++;
            }
        }

        return new CallerResult(answered, failed, versions);
    }

    private static async Task<CallerResult> StreamCallerAsync(AuditServerHost server, int caller, CancellationToken stop)
    {
        int answered = 0, failed = 0;
        var versions = new HashSet<string>();
        // Requests in flight when the test stops must still be answered: the stop token is only the loop's.
        using var call = server.Client.CheckStream(cancellationToken: CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            await call.RequestStream.WriteAsync(WireOrders.FiveLineOrder($"S{caller}-{answered + failed}"), CancellationToken.None);
            if (!await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                failed++;
                break;
            }

            var response = call.ResponseStream.Current;
            if (response.Error is null)
            {
                versions.Add(response.RuleSetVersion);
                answered++;
            }
            else
            {
                failed++;
            }
        }

        await call.RequestStream.CompleteAsync();
        return new CallerResult(answered, failed, versions);
    }
}
