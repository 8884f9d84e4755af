using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using StackExchange.Redis;

namespace SmartAudit.Redis.Tests;

public sealed class RuleSetStoreTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private RuleSetStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        (_multiplexer, _store) = await RedisTestServers.ConnectStoreAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        await _multiplexer.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Publish_NewBundle_IsStoredUnderItsContentHashAndListed()
    {
        var (bundle, bytes) = TestBundles.Version("1.0.0", author: "auditor-7");

        var result = await _store.PublishAsync(bundle, bytes, "publisher-3", DateTimeOffset.UtcNow);

        Assert.Equal(PublishOutcome.Published, result.Outcome);
        Assert.Equal(bytes, await _store.GetBundleAsync(bundle.ContentHash));
        var listed = Assert.Single(await _store.ListAsync());
        Assert.Equal((bundle.DisplayVersion, "auditor-7", "publisher-3", (long)bytes.Length),
            (listed.DisplayVersion, listed.Author, listed.PublishedBy, listed.Bytes));
        Assert.Null(await _store.GetActiveHashAsync("production"));
    }

    [Fact]
    public async Task Publish_SameBundleTwice_ChangesNothing()
    {
        var (bundle, bytes) = TestBundles.Version("1.0.0");
        await _store.PublishAsync(bundle, bytes, "a", DateTimeOffset.UtcNow);

        var again = await _store.PublishAsync(bundle, bytes, "b", DateTimeOffset.UtcNow);

        Assert.Equal(PublishOutcome.AlreadyPublished, again.Outcome);
        Assert.Equal("a", Assert.Single(await _store.ListAsync()).PublishedBy);
    }

    [Fact]
    public async Task Publish_OtherRulesUnderAPublishedVersion_IsRefused()
    {
        var first = TestBundles.Version("1.0.0");
        await _store.PublishAsync(first.Bundle, first.Bytes, "a", DateTimeOffset.UtcNow);
        var other = TestBundles.Broken("1.0.0");

        var result = await _store.PublishAsync(other.Bundle, other.Bytes, "a", DateTimeOffset.UtcNow);

        Assert.Equal(PublishOutcome.VersionConflict, result.Outcome);
        Assert.Equal(first.Bundle.ContentHash, result.ContentHash);
        Assert.Null(await _store.GetBundleAsync(other.Bundle.ContentHash));
    }

    [Fact]
    public async Task Activate_UnpublishedHash_IsRefused()
    {
        Assert.False(await _store.ActivateAsync("production", new string('a', 64)));
        Assert.Null(await _store.GetActiveHashAsync("production"));
    }

    [Fact]
    public async Task ActivateAndRollback_StepBackThroughTheEnvironmentsHistory()
    {
        var v1 = TestBundles.Version("1.0.0");
        var v2 = TestBundles.Version("2.0.0");
        var v3 = TestBundles.Version("3.0.0");
        await _store.PublishAsync(v1);
        await _store.PublishAsync(v2);
        await _store.PublishAsync(v3);

        Assert.Equal(v2.Bundle.ContentHash, await _store.RollbackAsync("production"));
        Assert.Equal(v1.Bundle.ContentHash, await _store.RollbackAsync("production"));
        Assert.Null(await _store.RollbackAsync("production"));
        Assert.Equal(v1.Bundle.ContentHash, await _store.GetActiveHashAsync("production"));
    }

    [Fact]
    public async Task Environments_HaveTheirOwnActiveVersion()
    {
        var v1 = TestBundles.Version("1.0.0");
        var v2 = TestBundles.Version("2.0.0");
        await _store.PublishAsync(v1, "production");
        await _store.PublishAsync(v2, "staging");

        var production = await _store.GetEnvironmentAsync("production");
        var staging = await _store.GetEnvironmentAsync("staging");

        Assert.Equal(v1.Bundle.ContentHash, production.ActiveHash);
        Assert.Equal(v2.Bundle.ContentHash, staging.ActiveHash);
        Assert.Equal(2, (await _store.ListAsync()).Count);
    }

    [Fact]
    public async Task ActivateAndRollback_AnnounceTheNewHashOnTheEnvironmentsChannel()
    {
        // A message queue delivers in order (handler subscriptions may run concurrently).
        var announced = await _multiplexer.GetSubscriber().SubscribeAsync(_store.Keys.Activated("production"));
        var v1 = TestBundles.Version("1.0.0");
        var v2 = TestBundles.Version("2.0.0");

        await _store.PublishAsync(v1);
        await _store.PublishAsync(v2);
        await _store.RollbackAsync("production");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        string[] expected = [v1.Bundle.ContentHash, v2.Bundle.ContentHash, v1.Bundle.ContentHash];
        foreach (var hash in expected)
        {
            Assert.Equal(hash, (string?)(await announced.ReadAsync(timeout.Token)).Message);
        }
    }

    [Fact]
    public async Task Resolve_AcceptsDisplayVersionSemanticVersionOrHashPrefix()
    {
        var v1 = TestBundles.Version("1.0.0");
        await _store.PublishAsync(v1.Bundle, v1.Bytes, "a", DateTimeOffset.UtcNow);

        foreach (var name in new[] { v1.Bundle.DisplayVersion, "1.0.0", v1.Bundle.ContentHash[..10] })
        {
            Assert.Equal(v1.Bundle.ContentHash, (await _store.ResolveAsync(name)).Match?.ContentHash);
        }

        Assert.Null((await _store.ResolveAsync("1.0")).Match);
    }

    [Theory]
    [InlineData("redis://cache.internal:6380", "cache.internal:6380")]
    [InlineData("redis://:s3cret@cache.internal/2", "cache.internal:6379,password=s3cret,defaultDatabase=2")]
    [InlineData("rediss://svc:p%40ss@cache.internal:6390", "cache.internal:6390,user=svc,password=p@ss,ssl=true")]
    [InlineData("127.0.0.1:6379,password=x", "127.0.0.1:6379,password=x")]
    public void RedisUrl_BecomesAConfigurationString(string url, string expected) =>
        Assert.Equal(expected, RedisConnection.FromUrl(url));
}
