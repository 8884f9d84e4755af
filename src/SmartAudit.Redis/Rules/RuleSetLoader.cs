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
/// open or compile is refused, logged, counted and reported in health, and the running set stays.
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
    /// The rule set to start with: the active version in Redis; else the last good bundle on disk; else
    /// the rule-set folder if <see cref="RedisOptions.FallbackToRulesFolder"/> allows it; else start-up
    /// fails saying why. Synchronous: the host is not serving yet.
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
            else if (Open(hash, _store.GetBundle(hash), out var bytes) is { } ruleSet)
            {
                Accept(hash, bytes!, ruleSet);
                return new ActiveRuleSet(ruleSet);
            }
            else
            {
                reason = $"the active version in environment '{_options.Environment}' was refused";
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _status.Unreachable(RedisErrors.Brief(ex), _clock.GetUtcNow());
            reason = "Redis unreachable at start-up";
            LogUnreachableAtStart(_logger, RedisErrors.Brief(ex));
        }

        if (_cache.TryRead() is { } cached)
        {
            try
            {
                var bundle = RuleSetBundle.FromBytes(cached);
                if (RuleSetCompiler.Compile(bundle.ToSource()).RuleSet is { } fromCache)
                {
                    _status.Loaded(RuleSetOrigin.LocalCache);
                    LogFallback(_logger, fromCache.Version, "local cache", reason);
                    return new ActiveRuleSet(fromCache, $"rule set {fromCache.Version} from the local cache: {reason}");
                }
            }
            catch (InvalidDataException ex)
            {
                LogCacheUnusable(_logger, _cache.FilePath, ex.Message);
            }
        }

        if (_options.FallbackToRulesFolder)
        {
            var fromFolder = rulesFolder();
            _status.Loaded(RuleSetOrigin.RulesFolder);
            LogFallback(_logger, fromFolder.Version, "rule-set folder", reason);
            return new ActiveRuleSet(fromFolder, $"rule set {fromFolder.Version} from the rule-set folder: {reason}");
        }

        throw new InvalidOperationException(
            $"No rule set to start with: {reason}, and no usable cached bundle at {_cache.FilePath}. "
            + $"Publish one ('smartaudit rules publish <bundle> --env {_options.Environment}'), or set "
            + $"{RedisOptions.SectionName}:{nameof(RedisOptions.FallbackToRulesFolder)}=true to start from the rule-set folder.");
    }

    /// <summary>
    /// Loads the active version if it is not the one running (or the running one is a fallback). Redis
    /// errors are reported in the status and otherwise ignored: the running set stays.
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

            if (hash is null || hash == _status.RejectedHash || (hash == LoadedHash && active.DegradedReason is null))
            {
                return;
            }

            var (running, _) = active.Snapshot();
            if (running.ContentHash == hash)
            {
                // Started on a fallback that is the active version after all: no need to compile it again.
                LoadedHash = hash;
                active.Swap(running);
                _status.Loaded(RuleSetOrigin.Store);
                LogLoaded(_logger, running.Id, running.Version, _options.Environment, 0);
                return;
            }

            var bytesRead = await _store.GetBundleAsync(hash).WaitAsync(cancellationToken);
            if (Open(hash, bytesRead, out var bytes) is { } ruleSet)
            {
                Accept(hash, bytes!, ruleSet);
                active.Swap(ruleSet);
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

    /// <summary>Opens and compiles the bundle stored under <paramref name="hash"/>; null (refused and reported) if it is not sound.</summary>
    private RuleSet? Open(string hash, byte[]? stored, out byte[]? bytes)
    {
        bytes = stored;
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<string> problems;
        string version = hash[..Math.Min(8, hash.Length)];
        if (stored is null)
        {
            problems = [$"no bundle stored under {hash}"];
        }
        else
        {
            try
            {
                var bundle = RuleSetBundle.FromBytes(stored);
                version = bundle.DisplayVersion;
                if (bundle.ContentHash != hash)
                {
                    problems = [$"the bundle stored under {hash[..8]} hashes to {bundle.ContentHash[..8]}"];
                }
                else
                {
                    var compilation = RuleSetCompiler.Compile(bundle.ToSource());
                    _reloadSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    if (compilation.RuleSet is { } ruleSet)
                    {
                        return ruleSet;
                    }

                    problems = [.. compilation.Problems.Select(p => p.ToString())];
                }
            }
            catch (InvalidDataException ex)
            {
                problems = [ex.Message];
            }
        }

        _status.Rejected(hash, version, problems);
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
        LogRejected(_logger, version, _options.Environment, problems.Count, string.Join("\n  ", problems.Take(20)));
        return null;
    }

    private void Accept(string hash, byte[] bytes, RuleSet ruleSet)
    {
        LoadedHash = hash;
        _status.Loaded(RuleSetOrigin.Store);
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "loaded"));
        LogLoaded(_logger, ruleSet.Id, ruleSet.Version, _options.Environment, ruleSet.Rules.Count);
        try
        {
            _cache.Write(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCacheUnusable(_logger, _cache.FilePath, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set {Id} {Version} loaded from Redis (environment {Environment}, {RuleCount} rules)")]
    private static partial void LogLoaded(ILogger logger, string id, string version, string environment, int ruleCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule set {Version} activated in environment {Environment} refused, the running set stays; {Count} problem(s):\n  {Problems}")]
    private static partial void LogRejected(ILogger logger, string version, string environment, int count, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Started on rule set {Version} from the {Source}: {Reason}")]
    private static partial void LogFallback(ILogger logger, string version, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable at start-up: {Error}")]
    private static partial void LogUnreachableAtStart(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule-set store unreachable, serving the last good set: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule-set store reachable again")]
    private static partial void LogReachable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local rule-set cache {Path} not usable: {Error}")]
    private static partial void LogCacheUnusable(ILogger logger, string path, string error);
}
