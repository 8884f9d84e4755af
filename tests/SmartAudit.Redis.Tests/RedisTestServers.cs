using SmartAudit.Redis;
using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using StackExchange.Redis;

namespace SmartAudit.Redis.Tests;

/// <summary>Audit servers and store clients pointed at a test's own redis-server.</summary>
internal static class RedisTestServers
{
    /// <summary>
    /// Settings for a server on <paramref name="redis"/>: quick reconnects and polls, its own cache folder, and
    /// a history timeout long enough that a busy test machine does not degrade answers (tests of the
    /// timeout itself set their own).
    /// </summary>
    public static string[] Settings(RedisServerProcess redis, string cacheFolder, params string[] more) =>
    [
        $"Redis:Configuration={redis.Configuration}",
        $"Redis:RuleSetCachePath={cacheFolder}",
        "Redis:ConnectTimeout=00:00:02", // the production default: a busy test machine can take longer than 0.5 s to connect at start
        "Redis:RuleSetPollInterval=00:00:00.250",
        "Redis:HistoryTimeout=00:00:01",
        .. more,
    ];

    public static Task<AuditServerHost> StartServerAsync(RedisServerProcess redis, string cacheFolder, params string[] more) =>
        AuditServerHost.StartAsync(Settings(redis, cacheFolder, more));

    public static async Task<(ConnectionMultiplexer Redis, RuleSetStore Store)> ConnectStoreAsync(RedisServerProcess redis)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        return (multiplexer, new RuleSetStore(multiplexer, new RedisKeys("smartaudit:")));
    }

    /// <summary>Publishes and activates a bundle in the production environment.</summary>
    public static async Task<string> PublishAsync(this RuleSetStore store, (Core.Rules.RuleSetBundle Bundle, byte[] Bytes) bundle, string environment = "production")
    {
        var result = await store.PublishAsync(bundle.Bundle, bundle.Bytes, "test", DateTimeOffset.UtcNow);
        Assert.NotEqual(PublishOutcome.VersionConflict, result.Outcome);
        Assert.True(await store.ActivateAsync(environment, bundle.Bundle.ContentHash));
        return bundle.Bundle.DisplayVersion;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(5);
        }

        return await condition();
    }

    public static string TempFolder() => Path.Combine(Path.GetTempPath(), $"smartaudit-redis-tests-{Guid.NewGuid():N}");
}
