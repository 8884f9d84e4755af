using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Redis;

/// <summary>
/// Redis (section <c>Redis</c>): where it is, how keys are named, which environment's active rule set a
/// server runs, and how long anything may wait for it. Redis is used only when
/// <see cref="Configuration"/> is set; otherwise the server runs on the embedded defaults. A password
/// belongs in the environment (<c>Redis__Configuration=host:6379,password=…</c>) from the deployment's
/// secret store, never in a file.
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:6379,password=…,ssl=true</c>) or a URL
    /// (<c>redis://[:password@]host:6379[/db]</c>, <c>rediss://</c> for TLS). Required; no default.
    /// </summary>
    [Required]
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis. Default <c>smartaudit:</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9_.:\-]*$")]
    public string KeyPrefix { get; set; } = "smartaudit:";

    /// <summary>
    /// The environment whose active rule set this server runs (<c>production</c>, <c>staging</c>, …).
    /// Bundles are shared; each environment has its own active version and activation history.
    /// Default <c>production</c>.
    /// </summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9_.\-]{1,64}$")]
    public string Environment { get; set; } = "production";

    /// <summary>How long connecting may take, at start-up and on each reconnect. Default 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a rule-set or case command (reading a bundle, publishing, reading or deciding a case) may
    /// take. Default 5 seconds. History reads have their own, much shorter budget.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Run the client's socket work on threads of its own (StackExchange.Redis's dedicated pool of 10)
    /// instead of the .NET thread pool the server already runs on. Default false: on the benchmark's 2-core
    /// machine the shared pool cost 25-35% less server CPU per Redis-history request and answered more of
    /// them (<c>bash bench/run e2e --paths redis</c>, side by side); the dedicated pool only pays off when
    /// the thread pool is starved by blocking code, which this service avoids.
    /// </summary>
    public bool DedicatedSocketThreads { get; set; }

    /// <summary>
    /// How long a request waits for the patient history (one round trip that reads it and, for settled
    /// requests, records the encounter). Past it the request is answered without the history rules, with
    /// <c>degraded</c> set. Default 20 ms: a same-rack Redis answers in well under 1 ms, but a busy host
    /// sees stalls of several milliseconds (measured: p99 ~7 ms on loopback on a loaded 2-core machine),
    /// and 20 ms is still far below what a doctor at order entry notices.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan HistoryTimeout { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Encounters a server keeps in memory when Redis cannot take them (down, or over <see cref="HistoryTimeout"/>),
    /// to write them back when it returns; meanwhile reads of the same patient see them. Default 100,000 (about
    /// 50 MB at the largest encounters); past it an encounter is dropped and counted (smartaudit.history.backlog.dropped).
    /// </summary>
    [Range(0, 10_000_000)]
    public int HistoryBacklogLimit { get; set; } = 100_000;

    /// <summary>How often the backlog of encounters is written back to Redis while it is not empty. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan HistoryReplayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a server checks the active version even without a notification: the safety net for a
    /// notification missed while disconnected. Default 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RuleSetPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often each instance reads the case change feed (a Redis stream) for decisions and cases written
    /// by other instances, so they show on its queue. Default 200 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CaseFeedPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// About how many entries the case change feed keeps (<c>XADD MAXLEN ~</c>). An instance that was
    /// disconnected reloads every case anyway; this only has to cover what one poll can fall behind.
    /// Default 100,000.
    /// </summary>
    [Range(1_000, 100_000_000)]
    public int CaseFeedLength { get; set; } = 100_000;

    /// <summary>
    /// Folder where the server keeps the last good bundle it loaded, to start from when Redis is unreachable
    /// at start-up. Default <c>var/ruleset-cache</c> under the working directory.
    /// </summary>
    [Required]
    public string RuleSetCachePath { get; set; } = "var/ruleset-cache";

    /// <summary>
    /// Largest rule-set bundle a server reads, as stored (gzip), from Redis or the local cache; a larger one
    /// is refused without being transferred. Default 16 MiB (the shipped national rule set packs to about
    /// 1 MiB).
    /// </summary>
    [Range(1024L, 1L << 30)]
    public long RuleSetMaxBundleBytes { get; set; } = Core.Rules.BundleLimits.DefaultMaxPackedBytes;

    /// <summary>
    /// Largest JSON a rule-set bundle may unpack to. Unpacking stops at this size and the bundle is refused,
    /// so a gzip bomb (megabytes that unpack to gigabytes) costs at most this much memory and never stops a
    /// server. Default 64 MiB (the shipped national rule set has about 7 MiB of files).
    /// </summary>
    [Range(1024L, 4L << 30)]
    public long RuleSetMaxUnpackedBytes { get; set; } = Core.Rules.BundleLimits.DefaultMaxUnpackedBytes;

    /// <summary>The two limits above, as the bundle reader takes them.</summary>
    internal Core.Rules.BundleLimits BundleLimits => new(RuleSetMaxBundleBytes, RuleSetMaxUnpackedBytes);

    /// <summary>
    /// When neither Redis nor the local cache has a rule set at start-up, start from the rule-set folder
    /// (<c>Audit:RulesPath</c>, or <c>rules/</c>) instead of refusing to start. Default false: a server
    /// configured for Redis does not silently run rules nobody published.
    /// </summary>
    public bool FallbackToRulesFolder { get; set; }
}
