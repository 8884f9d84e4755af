using SmartAudit.Core.Rules;
using StackExchange.Redis;

namespace SmartAudit.Redis.Rules;

/// <summary>
/// Published rule sets in Redis. A bundle is stored once, immutable, under its content hash; each
/// environment has an active pointer (a content hash) and a list of the versions activated before. A
/// server reads the pointer and then the bundle it names: since a bundle never changes once stored and
/// the pointer is one key, a server sees the old complete set or the new one, never a mix. Publishing,
/// activating and rolling back are each one Lua script, so concurrent operators cannot interleave, and
/// activation announces the new hash on the environment's channel in the same step.
/// </summary>
public sealed class RuleSetStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    /// <summary>How many activations an environment remembers for rollback.</summary>
    public const int ActivationHistory = 100;

    // KEYS: bundle, meta, versions, semver index. ARGV: hash, id@version, bytes, published-at ms, meta fields…
    private const string PublishScript = """
        local existing = redis.call('HGET', KEYS[4], ARGV[2])
        if existing then
          if existing == ARGV[1] then return {'exists', existing} end
          return {'conflict', existing}
        end
        redis.call('SET', KEYS[1], ARGV[3])
        redis.call('HSET', KEYS[2], unpack(ARGV, 5))
        redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
        redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
        return {'published', ARGV[1]}
        """;

    // KEYS: active pointer, activations, meta of the target. ARGV: hash, channel, history length.
    private const string ActivateScript = """
        if redis.call('EXISTS', KEYS[3]) == 0 then return 'unknown' end
        if redis.call('GET', KEYS[1]) == ARGV[1] then return 'unchanged' end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('LPUSH', KEYS[2], ARGV[1])
        redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
        redis.call('PUBLISH', ARGV[2], ARGV[1])
        return 'activated'
        """;

    // KEYS: active pointer, activations. ARGV: channel. Drops the head (the active one) and activates the next.
    private const string RollbackScript = """
        local previous = redis.call('LINDEX', KEYS[2], 1)
        if not previous then return false end
        redis.call('LPOP', KEYS[2])
        redis.call('SET', KEYS[1], previous)
        redis.call('PUBLISH', ARGV[1], previous)
        return previous
        """;

    // KEYS: bundle. ARGV: most bytes to return. The length alone when larger, so an oversized bundle never crosses the wire.
    private const string ReadBundleScript = """
        local length = redis.call('STRLEN', KEYS[1])
        if length > tonumber(ARGV[1]) then return length end
        return redis.call('GET', KEYS[1])
        """;

    public RedisKeys Keys { get; } = keys;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Stores a bundle (its bytes as packed, already checked by <see cref="RuleSetBundle.FromBytes(ReadOnlySpan{byte})"/>).
    /// Publishing the same content again changes nothing; another content under a published id and
    /// semantic version is refused, so a version number always names one set of rules.
    /// </summary>
    public async Task<PublishResult> PublishAsync(RuleSetBundle bundle, byte[] bytes, string publishedBy, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(bytes);
        var meta = new PublishedVersion(bundle.Id, bundle.Version, bundle.ContentHash, bundle.CreatedAt, bundle.Author,
            publishedAt, publishedBy, bytes.Length);
        RedisValue[] args =
        [
            bundle.ContentHash,
            $"{bundle.Id}@{bundle.Version}",
            bytes,
            publishedAt.ToUnixTimeMilliseconds(),
            .. meta.ToHashEntries().SelectMany(e => new[] { e.Name, e.Value }),
        ];
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(PublishScript,
            [Keys.Bundle(bundle.ContentHash), Keys.Meta(bundle.ContentHash), Keys.Versions, Keys.SemanticVersions], args))!;
        var outcome = result[0].ToString() switch
        {
            "published" => PublishOutcome.Published,
            "exists" => PublishOutcome.AlreadyPublished,
            _ => PublishOutcome.VersionConflict,
        };
        return new PublishResult(outcome, result[1].ToString());
    }

    /// <summary>
    /// Makes a published bundle the environment's active one and tells every server of the environment.
    /// Returns false if nothing is published under <paramref name="contentHash"/>.
    /// </summary>
    public async Task<bool> ActivateAsync(string environment, string contentHash)
    {
        var result = (string?)await Db.ScriptEvaluateAsync(ActivateScript,
            [Keys.Active(environment), Keys.Activations(environment), Keys.Meta(contentHash)],
            [contentHash, (RedisValue)Keys.Activated(environment).ToString(), ActivationHistory]);
        return result != "unknown";
    }

    /// <summary>
    /// Activates the version that was active before the current one; returns its content hash, or null if
    /// the environment has no earlier activation to go back to.
    /// </summary>
    public async Task<string?> RollbackAsync(string environment)
    {
        var result = await Db.ScriptEvaluateAsync(RollbackScript,
            [Keys.Active(environment), Keys.Activations(environment)],
            [(RedisValue)Keys.Activated(environment).ToString()]);
        return result.IsNull ? null : result.ToString();
    }

    /// <summary>Every published version, oldest first.</summary>
    public async Task<IReadOnlyList<PublishedVersion>> ListAsync()
    {
        var hashes = await Db.SortedSetRangeByRankAsync(Keys.Versions);
        var batch = Db.CreateBatch();
        var reads = hashes.Select(h => batch.HashGetAllAsync(Keys.Meta(h.ToString()))).ToList();
        batch.Execute();
        var versions = new List<PublishedVersion>(reads.Count);
        foreach (var read in reads)
        {
            if (PublishedVersion.FromHashEntries(await read) is { } version)
            {
                versions.Add(version);
            }
        }

        return versions;
    }

    /// <summary>The published version an operator's name refers to (see <see cref="PublishedVersion.IsNamedBy"/>).</summary>
    /// <returns>The one match; or null with every candidate when the name matches none or several.</returns>
    public async Task<(PublishedVersion? Match, IReadOnlyList<PublishedVersion> Candidates)> ResolveAsync(string name)
    {
        var matches = (await ListAsync()).Where(v => v.IsNamedBy(name)).ToList();
        return matches.Count == 1 ? (matches[0], matches) : (null, matches);
    }

    public async Task<EnvironmentState> GetEnvironmentAsync(string environment)
    {
        var batch = Db.CreateBatch();
        var active = batch.StringGetAsync(Keys.Active(environment));
        var activations = batch.ListRangeAsync(Keys.Activations(environment));
        batch.Execute();
        return new EnvironmentState(environment, (string?)await active, [.. (await activations).Select(v => v.ToString())]);
    }

    /// <summary>The content hash of the environment's active bundle, or null if none was activated.</summary>
    public async Task<string?> GetActiveHashAsync(string environment) => await Db.StringGetAsync(Keys.Active(environment));

    /// <summary>The bundle bytes stored under <paramref name="contentHash"/>, or null.</summary>
    public async Task<byte[]?> GetBundleAsync(string contentHash) => await Db.StringGetAsync(Keys.Bundle(contentHash));

    /// <summary>The bundle stored under <paramref name="contentHash"/> if it is at most <paramref name="maxBytes"/> long.</summary>
    public async Task<StoredBundle> GetBundleAsync(string contentHash, long maxBytes) =>
        ToStoredBundle(await Db.ScriptEvaluateAsync(ReadBundleScript, [Keys.Bundle(contentHash)], [maxBytes]));

    /// <summary>
    /// Synchronous read of the active pointer, for server start-up only (the host is not serving yet, and
    /// the multiplexer's synchronous path does not wait on the thread pool).
    /// </summary>
    public string? GetActiveHash(string environment) => Db.StringGet(Keys.Active(environment));

    /// <summary>Synchronous read of a bundle, for server start-up only.</summary>
    public StoredBundle GetBundle(string contentHash, long maxBytes) =>
        ToStoredBundle(Db.ScriptEvaluate(ReadBundleScript, [Keys.Bundle(contentHash)], [maxBytes]));

    private static StoredBundle ToStoredBundle(RedisResult result) =>
        result.IsNull ? default
        : result.Resp2Type == ResultType.Integer ? new StoredBundle(null, (long)result)
        : new StoredBundle((byte[]?)result, 0);
}
