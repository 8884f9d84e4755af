namespace SmartAudit.Core.Rules;

/// <summary>
/// The rule set requests are evaluated against now. A reload replaces it whole with one atomic write;
/// a request reads it once at its start and finishes on that snapshot, so readers never lock and never
/// see a mix of two versions.
/// </summary>
public sealed class ActiveRuleSet(RuleSet initial, string? degradedReason = null)
{
    private volatile Entry _current = new(initial, degradedReason);

    public RuleSet Current => _current.RuleSet;

    /// <summary>
    /// Why the current set may not be the one the service should run (e.g. started from a local copy
    /// because the rule-set store was unreachable), reported in every response's <c>degraded</c>; null
    /// when it is the published, active set.
    /// </summary>
    public string? DegradedReason => _current.DegradedReason;

    /// <summary>The current set and its degraded reason, read together (one request, one snapshot).</summary>
    public (RuleSet RuleSet, string? DegradedReason) Snapshot()
    {
        var current = _current;
        return (current.RuleSet, current.DegradedReason);
    }

    /// <summary>Makes <paramref name="next"/> the set new requests use; returns the one it replaced.</summary>
    public RuleSet Swap(RuleSet next, string? degradedReason = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, new Entry(next, degradedReason)).RuleSet;
    }

    private sealed record Entry(RuleSet RuleSet, string? DegradedReason);
}
