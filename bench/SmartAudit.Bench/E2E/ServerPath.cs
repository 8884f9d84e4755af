using SmartAudit.Core.Rules;
using SmartAudit.Redis;
using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using StackExchange.Redis;

namespace SmartAudit.Bench.E2E;

/// <summary>
/// What a request goes through on the server: the parts of the production path a configuration turns on.
/// The suite measures each path against a server of its own, with the transport floor (Ping) measured
/// against that same server in the same run.
/// </summary>
internal sealed record ServerPath(string Key, string Name, bool RedisHistory, bool Model, bool KafkaLog)
{
    public static readonly ServerPath Rules = new("rules", "rules, in-process history", false, false, false);
    public static readonly ServerPath RedisHistoryPath = new("redis", "rules + Redis history", true, false, false);
    public static readonly ServerPath Full = new("full", "full path: rules + Redis history + model + Kafka log", true, true, true);

    public static readonly IReadOnlyList<ServerPath> All = [Rules, RedisHistoryPath, Full];

    public static IReadOnlyList<ServerPath> Parse(string keys) =>
        [.. keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(key =>
            All.FirstOrDefault(p => p.Key == key) ?? throw new ArgumentException($"unknown path '{key}' (--paths takes {string.Join(',', All.Select(p => p.Key))})"))];

    /// <summary>The same path with decisions to Kafka (or not): for the JSON-lines against Kafka comparison.</summary>
    public ServerPath WithKafkaLog(bool on) => this with
    {
        KafkaLog = on,
        Name = on == KafkaLog ? Name : on ? Name + " + Kafka log" : Name.Replace(" + Kafka log", "", StringComparison.Ordinal),
    };
}

/// <summary>
/// The real parts one path needs, started for the run and torn down after it: a redis-server of its own
/// with the benchmark's rule set published and active (the server runs it from Redis, as in production),
/// and librdkafka's mock cluster (a Kafka-protocol broker on loopback, hosted by this process).
/// </summary>
internal sealed class PathParts : IAsyncDisposable
{
    private const string Environment = "bench";
    private readonly RedisServerProcess? _redis;
    private readonly KafkaMockCluster? _kafka;

    private PathParts(RedisServerProcess? redis, KafkaMockCluster? kafka, IReadOnlyList<string> serverArgs)
    {
        _redis = redis;
        _kafka = kafka;
        ServerArgs = serverArgs;
    }

    /// <summary>Configuration the server is started with for this path.</summary>
    public IReadOnlyList<string> ServerArgs { get; }

    public static async Task<PathParts> StartAsync(ServerPath path, RuleSetSource rules, string repoRoot, string workDir)
    {
        var args = new List<string>();
        RedisServerProcess? redis = null;
        KafkaMockCluster? kafka = null;
        try
        {
            if (path.RedisHistory)
            {
                redis = await RedisServerProcess.StartAsync();
                await PublishAsync(redis.Configuration, rules);
                args.AddRange([$"--Redis:Configuration={redis.Configuration}", $"--Redis:Environment={Environment}",
                    $"--Redis:RuleSetCachePath={Path.Combine(workDir, "ruleset-cache")}"]);
            }

            args.AddRange(path.Model
                ? [$"--Fraud:ModelPath={Path.Combine(repoRoot, "models", "fraud.zip")}"]
                : ["--Fraud:Enabled=false"]);

            if (path.KafkaLog)
            {
                kafka = new KafkaMockCluster();
                kafka.CreateTopic("smartaudit.decisions.v1", 12);
                kafka.CreateTopic("smartaudit.feedback.v1", 3);
                args.AddRange([$"--Kafka:BootstrapServers={kafka.BootstrapServers}", $"--Kafka:SpoolPath={Path.Combine(workDir, "spool")}"]);
            }

            return new PathParts(redis, kafka, args);
        }
        catch
        {
            kafka?.Dispose();
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Packs, publishes and activates the rule set, as <c>smartaudit rules publish</c> and <c>activate</c> do.</summary>
    private static async Task PublishAsync(string configuration, RuleSetSource source)
    {
        var (bundle, bytes) = TestBundles.Pack(source, "bench");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var store = new RuleSetStore(connection, new RedisKeys("smartaudit:"));
        await store.PublishAsync(bundle, bytes, "bench", DateTimeOffset.UtcNow);
        if (!await store.ActivateAsync(Environment, bundle.ContentHash))
        {
            throw new InvalidOperationException("the benchmark's rule set was not activated in Redis");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _kafka?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
