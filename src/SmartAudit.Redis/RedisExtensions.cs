using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Redis.Cases;
using SmartAudit.Redis.History;
using SmartAudit.Redis.Rules;
using StackExchange.Redis;

namespace SmartAudit.Redis;

/// <summary>Composition of the Redis adapters, one call each from the host.</summary>
public static class RedisExtensions
{
    /// <summary>True when <c>Redis:Configuration</c> is set: the host should use the Redis stores.</summary>
    public static bool IsRedisConfigured(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return !string.IsNullOrWhiteSpace(builder.Configuration[$"{RedisOptions.SectionName}:{nameof(RedisOptions.Configuration)}"]);
    }

    /// <summary>
    /// Rule sets from Redis (section <c>Redis</c>): the environment's active version at start-up, hot reload
    /// on every activation, the local cache and <paramref name="rulesFolder"/> as start-up fallbacks, and a
    /// <c>rule-set-store</c> health check.
    /// </summary>
    /// <param name="builder">The host being composed.</param>
    /// <param name="rulesFolder">Compiles the rule-set folder; called only if the fallback is needed and allowed.</param>
    public static IHostApplicationBuilder AddRedisRuleSets(this IHostApplicationBuilder builder, Func<IServiceProvider, RuleSet> rulesFolder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRedisConnection();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RuleSetStore>();
        builder.Services.AddSingleton<RuleSetStatus>();
        builder.Services.AddSingleton<RuleSetLoader>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<RuleSetLoader>().LoadAtStart(() => rulesFolder(sp)));
        builder.Services.AddHostedService<RuleSetWatcher>();
        builder.Services.AddHealthChecks().AddCheck<RuleSetStoreHealthCheck>("rule-set-store", failureStatus: null, tags: [Core.Audit.HealthTags.Audit]);
        return builder;
    }

    /// <summary>
    /// The patient history in Redis (sections <c>Redis</c> and <c>History</c>) as the host's
    /// <see cref="IPatientHistoryStore"/>, on the same multiplexer as the rule sets. Call it before the
    /// embedded history store is added (that one is added only if no store is registered yet).
    /// </summary>
    public static IHostApplicationBuilder AddRedisHistoryStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRedisConnection();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<HistoryOptions>()
            .BindConfiguration(HistoryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RedisPatientHistoryStore>();
        builder.Services.AddSingleton<IPatientHistoryStore>(sp => sp.GetRequiredService<RedisPatientHistoryStore>());
        builder.Services.AddHostedService<HistoryBacklogReplayer>();
        builder.Services.AddHostedService<HistoryWarmUp>(); // before the first request: see HistoryWarmUp
        builder.Services.AddHealthChecks().AddCheck<HistoryHealthCheck>("history", failureStatus: null, tags: [Core.Audit.HealthTags.Audit]);
        return builder;
    }

    /// <summary>
    /// The fraud team's cases in Redis (section <c>Redis</c>) as the host's <see cref="ICaseStore"/>, shared by
    /// every workbench instance, on the same multiplexer as the other Redis adapters. Started with the host:
    /// it loads every case in the background and follows the change feed, so start-up never waits for Redis.
    /// </summary>
    public static IHostApplicationBuilder AddRedisCaseStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRedisConnection();
        builder.Services.AddSingleton<RedisCaseStore>();
        builder.Services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<RedisCaseStore>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisCaseStore>());
        return builder;
    }

    /// <summary>The options and the one multiplexer every Redis adapter of the process shares.</summary>
    internal static IHostApplicationBuilder AddRedisConnection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            RedisConnection.Connect(sp.GetRequiredService<IOptions<RedisOptions>>().Value, "smartaudit-server"));
        builder.Services.TryAddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        return builder;
    }
}
