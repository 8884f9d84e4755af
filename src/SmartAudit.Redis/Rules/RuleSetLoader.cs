using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Rules;
using StackExchange.Redis;

namespace SmartAudit.Redis.Rules;

/// <summary>
/// Loads the environment's active rule set from the store: once at start-up (with the local cache and the
/// rule-set folder as fallbacks) and then whenever the active version changes. A version that does not
/// open or compile is refused, logged, counted and reported in health, and the running set stays; at
/// start-up the last good cached bundle is used instead, degraded.
/// </summary>
internal sealed partial class RuleSetLoader
{
    private readonly RuleSetStore _store;
    private readonly RedisOptions _options;
    private readonly LocalBundleCache _cache;
    private readonly RuleSetStatus _status;
    private readonly TimeProvider _clock;
    private readonly ILogger<RuleSetLoader> _logger;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _reloadSeconds;

    public RuleSetLoader(RuleSetStore store, IOptions<RedisOptions> options, RuleSetStatus status, TimeProvider clock,
        IMeterFactory meters, ILogger<RuleSetLoader> logger)
    {
        _store = store;
        _options = options.Value;
        _cache = new LocalBundleCache(_options.RuleSetCachePath, _options.Environment);
        _status = status;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(RedisMetrics.MeterName);
        _reloads = meter.CreateCounter<long>("smartaudit.ruleset.loads", description: "Rule-set versions loaded from the store or refused, by outcome (loaded, rejected)");
        _reloadSeconds = meter.CreateHistogram<double>("smartaudit.ruleset.load.duration", "s", "Reading, opening and compiling a version");
    }

    /// <summary>Content hash of the version loaded from the store, or null while running on a fallback.</summary>
    public string? LoadedHash { get; private set; }

    /// <summary>
    /// The rule set to start with: the active version in Redis; else (Redis unreachable, or its active version
    /// refused) the last good bundles on disk, newest first; else the rule-set folder if
    /// <see cref="RedisOptions.FallbackToRulesFolder"/> allows it; else none (<see cref="ActiveRuleSet.Unavailable"/>,
    /// saying why, until the watcher loads the first version). Every fallback is reported as degraded.
    /// Synchronous: the host is not serving yet.
    /// </summary>
    public ActiveRuleSet LoadAtStart(Func<RuleSet> rulesFolder)
    {
        string reason;
        try
        {
            var hash = _store.GetActiveHash(_options.Environment);
            _status.Reachable();
            if (hash is null)
            {
                reason = $"no active rule set in environment '{_options.Environment}'";
            }
            else if (Open(hash, _store.GetBundle(hash, _options.RuleSetMaxBundleBytes)) is { } opened)
            {
                Accept(hash, opened.Bytes, opened.RuleSet);
                return new ActiveRuleSet(opened.RuleSet);
            }
            else
            {
                reason = $"the active version {Short(hash)} in environment '{_options.Environment}' was refused";
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _status.Unreachable(RedisErrors.Brief(ex), _clock.GetUtcNow());
            reason = "Redis unreachable at start-up";
            LogUnreachableAtStart(_logger, RedisErrors.Brief(ex));
        }

        if (StartFromCache(reason) is { } fromCache)
        {
            return fromCache;
        }

        if (_options.FallbackToRulesFolder)
        {
            var fromFolder = rulesFolder();
            _status.Loaded(RuleSetOrigin.RulesFolder);
            LogFallback(_logger, fromFolder.Version, "rule-set folder", reason);
            return new ActiveRuleSet(fromFolder, $"rule set {fromFolder.Version} from the rule-set folder: {reason}");
        }

        // Nothing to run: the server still starts (health NOT_SERVING, Check UNAVAILABLE, so the HIS lets orders
        // through as its guide says) and the watcher loads the first version that is published and opens.
        var unavailable = $"{reason}, and no usable cached bundle at {_cache.FilePath}. "
            + $"Publish one ('smartaudit rules publish <bundle> --env {_options.Environment}' then 'rules activate'), or set "
            + $"{RedisOptions.SectionName}:{nameof(RedisOptions.FallbackToRulesFolder)}=true to start from the rule-set folder";
        LogNoRuleSet(_logger, unavailable);
        return ActiveRuleSet.Unavailable(unavailable);
    }

    /// <summary>
    /// The newest cached bundle that opens and compiles, degraded with <paramref name="reason"/>; null if none
    /// does. A cached file that does not is set aside, whatever went wrong, so start-up goes on to the next.
    /// </summary>
    private ActiveRuleSet? StartFromCache(string reason)
    {
        foreach (var path in _cache.Candidates())
        {
            try
            {
                var bytes = LocalBundleCache.Read(path, _options.RuleSetMaxBundleBytes, out var tooLarge)
                    ?? throw new InvalidRuleSetBundleException(tooLarge!);
                var (_, ruleSet) = RuleSetBundle.Open(bytes, _options.BundleLimits);
                _status.Loaded(RuleSetOrigin.LocalCache);
                LogFallback(_logger, ruleSet.Version, "local cache", reason);
                return new ActiveRuleSet(ruleSet, $"rule set {ruleSet.Version} from the local cache: {reason}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not readable: not known to be bad, so left where it is.
                LogCacheUnusable(_logger, path, ex.Message);
            }
            catch (Exception ex)
            {
                SetAside(path, ex);
            }
        }

        return null;
    }

    private void SetAside(string path, Exception problem)
    {
        var message = problem is InvalidRuleSetBundleException ? problem.Message : $"{problem.GetType().Name}: {problem.Message}";
        try
        {
            LogCacheSetAside(_logger, path, LocalBundleCache.SetAside(path), message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCacheUnusable(_logger, path, $"{message}; could not set it aside: {ex.Message}");
        }
    }

    /// <summary>
    /// Loads the active version if it is not the one running (or the running one is a fallback). Redis
    /// errors are reported in the status and otherwise ignored: the running set stays. A version that does
    /// not open is refused in <see cref="Open"/>; the watcher catches anything else, so no failure here
    /// stops the host.
    /// </summary>
    public async Task CheckAsync(ActiveRuleSet active, CancellationToken cancellationToken)
    {
        try
        {
            var hash = await _store.GetActiveHashAsync(_options.Environment).WaitAsync(cancellationToken);
            if (_status.Reachable())
            {
                LogReachable(_logger);
            }

            var (running, degradedReason) = active.Peek();
            if (hash is null || hash == _status.RejectedHash || (running is not null && hash == running.ContentHash && degradedReason is null))
            {
                return;
            }

            if (running is not null && running.ContentHash == hash)
            {
                // Started on a fallback that is the active version after all: no need to compile it again.
                active.Swap(running);
                LoadedHash = hash;
                _status.Loaded(RuleSetOrigin.Store);
                LogLoaded(_logger, running.Id, running.Version, _options.Environment, 0);
                return;
            }

            var stored = await _store.GetBundleAsync(hash, _options.RuleSetMaxBundleBytes).WaitAsync(cancellationToken);
            if (Open(hash, stored) is { } opened)
            {
                // Swapped first: whatever the bookkeeping after it does, the server runs the version it loaded.
                active.Swap(opened.RuleSet);
                Accept(hash, opened.Bytes, opened.RuleSet);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (_status.Unreachable(RedisErrors.Brief(ex), _clock.GetUtcNow()))
            {
                LogUnreachable(_logger, RedisErrors.Brief(ex));
            }
        }
    }

    /// <summary>
    /// Opens and compiles the bundle stored under <paramref name="hash"/>; null (refused, logged, counted and
    /// reported in health) if it is not sound, or if opening it fails in any way at all.
    /// </summary>
    private (byte[] Bytes, RuleSet RuleSet)? Open(string hash, StoredBundle stored)
    {
        var started = Stopwatch.GetTimestamp();
        var version = Short(hash);
        try
        {
            if (stored.Missing)
            {
                return Reject(hash, version, [$"no bundle stored under {hash}"]);
            }

            if (stored.Bytes is not { } bytes)
            {
                return Reject(hash, version, [$"the bundle is {stored.OversizeLength} bytes packed, over the limit of {_options.RuleSetMaxBundleBytes} "
                    + $"({RedisOptions.SectionName}:{nameof(RedisOptions.RuleSetMaxBundleBytes)})"]);
            }

            var bundle = RuleSetBundle.FromBytes(bytes, _options.BundleLimits);
            version = bundle.DisplayVersion;
            if (bundle.ContentHash != hash)
            {
                return Reject(hash, version, [$"the bundle stored under {Short(hash)} hashes to {Short(bundle.ContentHash)}"]);
            }

            var ruleSet = bundle.Compile();
            _reloadSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return (bytes, ruleSet);
        }
        catch (InvalidRuleSetBundleException ex)
        {
            return Reject(hash, version, ex.Problems);
        }
        catch (Exception ex)
        {
            // A bug, not bad data: refused all the same (a server never runs what it could not check), with the stack.
            return Reject(hash, version, [$"opening it failed unexpectedly: {ex.GetType().Name}: {ex.Message}"], ex);
        }
    }

    private (byte[] Bytes, RuleSet RuleSet)? Reject(string hash, string version, IReadOnlyList<string> problems, Exception? unexpected = null)
    {
        _status.Rejected(hash, version, problems);
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
        var listed = string.Join("\n  ", problems.Take(20));
        if (unexpected is null)
        {
            LogRejected(_logger, version, _options.Environment, problems.Count, listed);
        }
        else
        {
            LogRejectedUnexpectedly(_logger, unexpected, version, _options.Environment, listed);
        }

        return null;
    }

    private void Accept(string hash, byte[] bytes, RuleSet ruleSet)
    {
        LoadedHash = hash;
        _status.Loaded(RuleSetOrigin.Store);
        LogLoaded(_logger, ruleSet.Id, ruleSet.Version, _options.Environment, ruleSet.Rules.Count);
        try
        {
            _cache.Write(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCacheUnusable(_logger, _cache.FilePath, ex.Message);
        }

        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "loaded"));
    }

    /// <summary>A content hash (or whatever the active pointer holds) shortened for messages; never longer than 8 characters.</summary>
    private static string Short(string hash) => hash.Length <= 8 ? hash : hash[..8];

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set {Id} {Version} loaded from Redis (environment {Environment}, {RuleCount} rules)")]
    private static partial void LogLoaded(ILogger logger, string id, string version, string environment, int ruleCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule set {Version}, active in environment {Environment}, refused; the running set (or a fallback at start) stays; {Count} problem(s):\n  {Problems}")]
    private static partial void LogRejected(ILogger logger, string version, string environment, int count, string problems);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule set {Version}, active in environment {Environment}, refused: opening it failed unexpectedly; the running set (or a fallback at start) stays: {Problems}")]
    private static partial void LogRejectedUnexpectedly(ILogger logger, Exception exception, string version, string environment, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local rule-set cache {Path} does not open, set aside as {BadPath}: {Problem}")]
    private static partial void LogCacheSetAside(ILogger logger, string path, string badPath, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Started on rule set {Version} from the {Source}: {Reason}")]
    private static partial void LogFallback(ILogger logger, string version, string source, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "No rule set to start with: {Reason}. Check answers UNAVAILABLE and health is NOT_SERVING until a version is activated")]
    private static partial void LogNoRuleSet(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable at start-up: {Error}")]
    private static partial void LogUnreachableAtStart(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule-set store unreachable, serving the last good set: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule-set store reachable again")]
    private static partial void LogReachable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local rule-set cache {Path} not usable: {Error}")]
    private static partial void LogCacheUnusable(ILogger logger, string path, string error);
}
