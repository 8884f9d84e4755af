using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmartAudit.Core.Rules;

namespace SmartAudit.Redis.Rules;

/// <summary>Where the running rule set came from.</summary>
public enum RuleSetOrigin
{
    /// <summary>The environment's active version, read from Redis.</summary>
    Store,

    /// <summary>The last good bundle on local disk: Redis had nothing usable at start-up.</summary>
    LocalCache,

    /// <summary>The rule-set folder, allowed by <see cref="RedisOptions.FallbackToRulesFolder"/>.</summary>
    RulesFolder,
}

/// <summary>
/// What a server knows about its rule-set store, for the health check and for tests: where the running
/// set came from, whether Redis answers, and the last version refused.
/// </summary>
public sealed class RuleSetStatus
{
    private readonly Lock _lock = new();
    private RuleSetOrigin _origin;
    private string? _storeError;
    private DateTimeOffset? _unreachableSince;
    private string? _rejectedHash;
    private string? _rejectedVersion;
    private IReadOnlyList<string> _rejectedProblems = [];

    public RuleSetOrigin Origin
    {
        get { lock (_lock) { return _origin; } }
    }

    /// <summary>Content hash of the active version this server refused, or null.</summary>
    public string? RejectedHash
    {
        get { lock (_lock) { return _rejectedHash; } }
    }

    public bool StoreReachable
    {
        get { lock (_lock) { return _storeError is null; } }
    }

    internal void Loaded(RuleSetOrigin origin)
    {
        lock (_lock)
        {
            _origin = origin;
            if (origin == RuleSetOrigin.Store)
            {
                _rejectedHash = _rejectedVersion = null;
                _rejectedProblems = [];
            }
        }
    }

    internal void Rejected(string contentHash, string version, IReadOnlyList<string> problems)
    {
        lock (_lock)
        {
            (_rejectedHash, _rejectedVersion, _rejectedProblems) = (contentHash, version, problems);
        }
    }

    /// <returns>True if this is the first failure of an outage (worth one warning).</returns>
    internal bool Unreachable(string error, DateTimeOffset now)
    {
        lock (_lock)
        {
            var first = _storeError is null;
            _storeError = error;
            _unreachableSince ??= now;
            return first;
        }
    }

    /// <returns>True if the store was unreachable until now.</returns>
    internal bool Reachable()
    {
        lock (_lock)
        {
            var wasDown = _storeError is not null;
            _storeError = null;
            _unreachableSince = null;
            return wasDown;
        }
    }

    internal HealthCheckResult ToHealth(ActiveRuleSet active, string environment)
    {
        var (ruleSet, degradedReason) = active.Peek();
        lock (_lock)
        {
            var data = new Dictionary<string, object>
            {
                ["environment"] = environment,
                ["storeReachable"] = _storeError is null,
            };
            if (ruleSet is null)
            {
                // Nothing to audit with: NOT_SERVING, so load balancers and the HIS go elsewhere or let orders through.
                data["unavailable"] = degradedReason!;
                AddStoreProblems(data, []);
                return HealthCheckResult.Unhealthy($"no rule set ({environment}): {degradedReason}", data: data);
            }

            data["ruleSetVersion"] = ruleSet.Version;
            data["origin"] = _origin.ToString();
            var problems = new List<string>();
            if (degradedReason is not null)
            {
                problems.Add(degradedReason);
            }

            AddStoreProblems(data, problems);
            var running = $"rule set {ruleSet.Id} {ruleSet.Version} from {_origin} ({environment})";
            return problems.Count == 0
                ? HealthCheckResult.Healthy(running, data)
                : HealthCheckResult.Degraded(running + "; " + string.Join("; ", problems), data: data);
        }
    }

    private void AddStoreProblems(Dictionary<string, object> data, List<string> problems)
    {
        if (_storeError is not null)
        {
            data["storeError"] = _storeError;
            data["unreachableSince"] = _unreachableSince!.Value;
            problems.Add($"Redis unreachable since {_unreachableSince:O} ({_storeError}); serving the last good set");
        }

        if (_rejectedVersion is not null)
        {
            data["rejectedVersion"] = _rejectedVersion;
            data["rejectedProblems"] = _rejectedProblems;
            problems.Add($"active version {_rejectedVersion} refused ({_rejectedProblems.Count} problem(s): {(_rejectedProblems.Count > 0 ? _rejectedProblems[0] : "")})");
        }
    }
}

/// <summary>grpc.health.v1 detail for the rule-set store: Degraded (still serving) while anything above is wrong; Unhealthy (NOT_SERVING) with no rule set at all.</summary>
internal sealed class RuleSetStoreHealthCheck(ActiveRuleSet active, RuleSetStatus status, Microsoft.Extensions.Options.IOptions<RedisOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.ToHealth(active, options.Value.Environment));
}
