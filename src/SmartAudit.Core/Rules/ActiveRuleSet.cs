namespace SmartAudit.Core.Rules;

/// <summary>
/// The rule set requests are evaluated against now. A reload replaces it whole with one atomic write;
/// a request reads it once at its start and finishes on that snapshot, so readers never lock and never
/// see a mix of two versions.
/// </summary>
public sealed class ActiveRuleSet(RuleSet initial)
{
    private volatile RuleSet _current = initial;

    public RuleSet Current => _current;

    /// <summary>Makes <paramref name="next"/> the set new requests use; returns the one it replaced.</summary>
    public RuleSet Swap(RuleSet next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }
}
