using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Cli.Kafka;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Fraud.Scoring;
using SmartAudit.Kafka;
using SmartAudit.Kafka.Post;
using SmartAudit.Redis;
using StackExchange.Redis;

namespace SmartAudit.Cli.Post;

/// <summary>
/// <c>smartaudit audit-worker</c>: the POST-stage batch audit as a process of its own. Consumes settled
/// claims in a consumer group, audits them with the POST rules, publishes cases and rejected claims,
/// puts every decision on record in the decisions topic, and commits offsets only after its output is
/// acknowledged. Run more of them (same group) to scale; stop with Ctrl+C or SIGTERM.
/// </summary>
internal sealed class AuditWorkerCommand : Command
{
    public override string Group => "audit-worker";

    public override string Name => string.Empty;

    public override string Arguments => "[--bootstrap <servers>] [--redis <url>] [--rules <dir>] [--model <file>] [--group <id>] [--instances N] [--batch N] [--spool <dir>] [--until-idle <seconds>]";

    public override string Summary => "POST-stage batch audit: consume settled claims in a consumer group, publish flagged cases.";

    public override string Details => $"""
        --redis       as the servers: the environment's active rule set (reloaded on activation) and the
                      patients' history, shared with the servers, from Redis (else Redis__Configuration;
                      Redis__Environment, default production). Without Redis: --rules and an in-memory
                      history of this process's claims only.
        --rules       the rule set (folder or bundle; default: rules); with Redis, the start-up fallback
                      when Redis__FallbackToRulesFolder=true.
        --model       the fraud model (default: models/fraud.zip found upwards from here); without one,
                      claims are audited with the rules only, and the decisions say so.
        --group       consumer group (default smartaudit-post-audit); workers of one group split the partitions.
        --instances   workers in this process, each a member of the group (default 1).
        --batch       claims per batch: audited, published, acknowledged, then committed (default 500).
        --spool       decision log spool folder, one per process (default var/audit-worker-spool).
        --until-idle  exit once no claim has arrived for this many seconds (batch runs, benchmarks), and
                      print the throughput; without it the worker runs until stopped.
        {KafkaSettings.Usage}
        Topics (AuditWorker__ClaimsTopic, AuditWorker__CasesTopic, AuditWorker__RejectedTopic) default to
        smartaudit.claims.v1, smartaudit.cases.v1 and smartaudit.claims-rejected.v1; create them first, the
        cases and rejected topics with at least as many partitions as the claims topic.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? bootstrap = null, modelPath = null;
        var rulesPath = "rules";
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.SpoolPath)}"] = "var/audit-worker-spool",
            [$"{AuditWorkerOptions.SectionName}:{nameof(AuditWorkerOptions.StopHostOnFailure)}"] = "true",
        };
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--bootstrap" when hasValue: bootstrap = args[++i]; break;
                case "--rules" when hasValue: rulesPath = args[++i]; break;
                case "--redis" when hasValue: settings["Redis:Configuration"] = args[++i]; break;
                case "--model" when hasValue: modelPath = args[++i]; break;
                case "--group" when hasValue: settings["AuditWorker:GroupId"] = args[++i]; break;
                case "--spool" when hasValue: settings["Kafka:SpoolPath"] = args[++i]; break;
                case "--instances" when hasValue && IsCount(args[i + 1]): settings["AuditWorker:Instances"] = args[++i]; break;
                case "--batch" when hasValue && IsCount(args[i + 1]): settings["AuditWorker:BatchSize"] = args[++i]; break;
                case "--until-idle" when hasValue && IsCount(args[i + 1]):
                    settings["AuditWorker:StopWhenIdle"] = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
                    break;
                default: return UsageError(stderr, $"unexpected '{args[i]}'");
            }
        }

        var kafka = KafkaSettings.Load(bootstrap, stderr);
        if (kafka is null)
        {
            return ExitCodes.Usage;
        }

        settings["Kafka:BootstrapServers"] = kafka.BootstrapServers;
        var redis = settings.ContainsKey("Redis:Configuration") || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("Redis__Configuration"));
        RuleSet? folder = null;
        if (!redis)
        {
            folder = LoadRuleSet(rulesPath, stderr)?.RuleSet;
            if (folder is null)
            {
                return ExitCodes.Problems;
            }
        }

        var fraud = LoadModel(modelPath, stderr, out var modelProblem);
        if (modelProblem)
        {
            return ExitCodes.Problems;
        }

        using var host = Build(settings, fraud, folder, () => LoadRuleSet(rulesPath, stderr)?.RuleSet
            ?? throw new InvalidOperationException($"the fallback rule set {rulesPath} does not compile"));
        AuditWorkerService service;
        try
        {
            service = host.Services.GetRequiredService<AuditWorkerService>(); // loads the rule set (from Redis: its active version)
            host.Run(); // until Ctrl+C, SIGTERM or --until-idle; disposes the host
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or RedisException)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: {ex.Message}");
            return ex is OptionsValidationException ? ExitCodes.Usage : ExitCodes.Problems;
        }

        foreach (var worker in service.Workers.Where(_ => service.Workers.Count > 1))
        {
            stdout.WriteLine($"{worker.Name}: {worker.Stats}");
        }

        stdout.WriteLine(AuditWorkerTotals.Of(service.Workers.Select(w => w.Stats)).ToString());
        if (service.Failure is { } failure)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: {failure.Message}");
            return ExitCodes.Problems;
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The worker's host: the rule set and the patients' history (from Redis when configured, as the servers
    /// have them; else <paramref name="folder"/> and in memory), the fraud model, the Kafka decision log and the workers.
    /// </summary>
    private static IHost Build(Dictionary<string, string?> settings, IFraudScorer? fraud, RuleSet? folder, Func<RuleSet> fallback)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("SmartAudit", LogLevel.Information);
        builder.Services.AddSingleton(TimeProvider.System);
        if (builder.IsRedisConfigured())
        {
            builder.AddRedisRuleSets(_ => fallback());
            builder.AddRedisHistoryStore();
        }
        else
        {
            builder.Services.AddSingleton(new ActiveRuleSet(folder ?? fallback()));
            builder.Services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.SectionName).ValidateDataAnnotations();
            builder.Services.AddSingleton<IPatientHistoryStore>(sp => new InMemoryPatientHistoryStore(sp.GetRequiredService<IOptions<HistoryOptions>>().Value));
        }

        if (fraud is not null)
        {
            builder.Services.AddSingleton(fraud);
        }

        builder.Services.AddSingleton<Auditor>();
        builder.Services.AddSingleton<DegradedReasons>();
        builder.AddKafkaDecisionLog();
        builder.AddKafkaAuditWorker();
        return builder.Build();
    }

    /// <summary>The fraud model as the server would score POST claims with it; null (rules only) when there is none.</summary>
    private static FraudScorer? LoadModel(string? path, TextWriter stderr, out bool problem)
    {
        problem = false;
        path ??= Locate(Path.Combine("models", "fraud.zip"));
        if (path is null)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: no fraud model found (models/fraud.zip): claims are audited with the rules only; give one with --model <file>");
            return null;
        }

        try
        {
            var active = new ActiveFraudModel();
            active.Serve(FraudModel.Load(path));
            return new FraudScorer(active, new FraudPolicy());
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: {path}: {ex.Message}");
            problem = true;
            return null;
        }
    }

    private static string? Locate(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsCount(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;
}
