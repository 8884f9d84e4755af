using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Embedded.Rules;
using SmartAudit.Redis;

namespace SmartAudit.Server.Rules;

internal static partial class RuleEngineExtensions
{
    /// <summary>
    /// The rule engine: with <c>Redis:Configuration</c> set, the environment's active rule set from Redis,
    /// reloaded whenever another version is activated; otherwise (the embedded default) the rule set
    /// compiled from the <c>rules/</c> folder at start-up. A rule set with problems stops start-up with
    /// every problem listed.
    /// </summary>
    public static IHostApplicationBuilder AddRuleEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o.Bounds, new(o.Bounds), null, validateAllProperties: true),
                "Audit:Bounds is out of range: see AuditOptions.Bounds for each limit's allowed values")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        RuleSet RulesFolder(IServiceProvider sp) =>
            LoadFromFolder(sp.GetRequiredService<IOptions<AuditOptions>>().Value, sp.GetRequiredService<ILogger<ActiveRuleSet>>());
        if (builder.IsRedisConfigured())
        {
            // Published rule sets from Redis, reloaded on activation; the folder only as an allowed fallback.
            // Patient history in Redis too, shared by every instance.
            builder.AddRedisRuleSets(RulesFolder);
            builder.AddRedisHistoryStore();
        }
        else
        {
            builder.Services.AddSingleton(sp => new ActiveRuleSet(RulesFolder(sp)));
        }

        builder.Services.AddSingleton<Auditor>();
        builder.Services.AddSingleton<DegradedReasons>(); // what adapters report as degraded, passed to the Auditor per request
        builder.AddEmbeddedHistoryStore();
        builder.Services.AddHostedService<RuleSetStartup>();
        builder.Services.AddHostedService<AuditWarmUp>(); // the audit path compiled before the first request
        return builder;
    }

    /// <summary>
    /// The patient history store of the embedded default: in process. A production host registers a shared
    /// store (Redis) first; this one is then left out.
    /// </summary>
    public static IHostApplicationBuilder AddEmbeddedHistoryStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HistoryOptions>()
            .BindConfiguration(HistoryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IPatientHistoryStore>(sp => new InMemoryPatientHistoryStore(sp.GetRequiredService<IOptions<HistoryOptions>>().Value));
        return builder;
    }

    private static RuleSet LoadFromFolder(AuditOptions options, ILogger logger)
    {
        var folder = RuleSetDirectory.Locate(options.RulesPath)
            ?? throw new InvalidOperationException("No rule set: set Audit:RulesPath, or run from the repository so that rules/ is found.");
        var compilation = RuleSetCompiler.Compile(RuleSetDirectory.ReadFolderOrBundle(folder));
        if (compilation.RuleSet is null)
        {
            throw new InvalidOperationException($"The rule set in {folder} has {compilation.Problems.Count} problem(s):\n"
                + string.Join('\n', compilation.Problems.Select(p => "  " + p)));
        }

        LogLoaded(logger, compilation.RuleSet.Id, compilation.RuleSet.Version, compilation.RuleSet.Rules.Count,
            compilation.RuleSet.Knowledge.ItemCount, folder);
        return compilation.RuleSet;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set {Id} {Version}: {RuleCount} rules, {ItemCount} catalogue items, from {Folder}")]
    private static partial void LogLoaded(ILogger logger, string id, string version, int ruleCount, int itemCount, string folder);

    /// <summary>Loads the rule set while the host starts, so a broken set fails start-up, not the first request.</summary>
    private sealed class RuleSetStartup(ActiveRuleSet rules) : IHostedService
    {
        // Being constructed resolves ActiveRuleSet, which compiles the rules: a broken set stops start-up here.
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(rules);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Health of the audit's rule set: healthy while one is loaded, with its version; unhealthy (NOT_SERVING) with none.</summary>
internal sealed class RuleSetHealthCheck(ActiveRuleSet rules) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (current, reason) = rules.Peek();
        return Task.FromResult(current is null
            ? HealthCheckResult.Unhealthy($"no rule set: {reason}")
            : HealthCheckResult.Healthy($"rule set {current.Id} {current.Version}",
                new Dictionary<string, object> { ["ruleSetVersion"] = current.Version, ["rules"] = current.Rules.Count }));
    }
}
