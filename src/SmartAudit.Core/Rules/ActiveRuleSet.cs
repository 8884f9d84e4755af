namespace SmartAudit.Core.Rules;

/// <summary>
/// The rule set requests are evaluated against now. A reload replaces it whole with one atomic write;
/// a request reads it once at its start and finishes on that snapshot, so readers never lock and never
/// see a mix of two versions. A server that could find no rule set at all starts <see cref="Unavailable"/>:
/// audits are refused with <see cref="RuleSetUnavailableException"/> (the host answers UNAVAILABLE, and
/// the HIS lets the order through) until the first version is loaded by <see cref="Swap"/>.
/// </summary>
public sealed class ActiveRuleSet
{
    private readonly TaskCompletionSource _available = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Entry _current;

    public ActiveRuleSet(RuleSet initial, string? degradedReason = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = new Entry(initial, degradedReason);
        _available.SetResult();
    }

    private ActiveRuleSet(string unavailableReason)
    {
        _current = new Entry(null, unavailableReason);
    }

    /// <summary>No rule set yet: every audit is refused with <paramref name="reason"/> until one is swapped in.</summary>
    public static ActiveRuleSet Unavailable(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new ActiveRuleSet(reason);
    }

    /// <summary>False until a rule set is loaded (only a server started with none at all is ever without one).</summary>
    public bool IsAvailable => _current.RuleSet is not null;

    /// <summary>Why there is no rule set (what the UNAVAILABLE answer says), or null once there is one.</summary>
    public string? UnavailableReason => _current.RuleSet is null ? _current.DegradedReason : null;

    /// <summary>Completes when a rule set is loaded: at once for a server that started with one.</summary>
    public Task WhenAvailable => _available.Task;

    /// <exception cref="RuleSetUnavailableException">There is no rule set yet.</exception>
    public RuleSet Current => Snapshot().RuleSet;

    /// <summary>
    /// Why the current set may not be the one the service should run (e.g. started from a local copy
    /// because the rule-set store was unreachable), reported in every response's <c>degraded</c>; null
    /// when it is the published, active set.
    /// </summary>
    public string? DegradedReason => _current.RuleSet is null ? null : _current.DegradedReason;

    /// <summary>The current set and its degraded reason, read together (one request, one snapshot).</summary>
    /// <exception cref="RuleSetUnavailableException">There is no rule set yet.</exception>
    public (RuleSet RuleSet, string? DegradedReason) Snapshot()
    {
        var current = _current;
        return current.RuleSet is { } ruleSet
            ? (ruleSet, current.DegradedReason)
            : throw new RuleSetUnavailableException(current.DegradedReason!);
    }

    /// <summary>The current set, or null while there is none (for health and tools that must not throw).</summary>
    public (RuleSet? RuleSet, string? Reason) Peek()
    {
        var current = _current;
        return (current.RuleSet, current.DegradedReason);
    }

    /// <summary>Makes <paramref name="next"/> the set new requests use; returns the one it replaced (null if there was none).</summary>
    public RuleSet? Swap(RuleSet next, string? degradedReason = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        var previous = Interlocked.Exchange(ref _current, new Entry(next, degradedReason)).RuleSet;
        _available.TrySetResult();
        return previous;
    }

    private sealed record Entry(RuleSet? RuleSet, string? DegradedReason);
}

/// <summary>An audit asked of a server that has no rule set at all; the message says why and what to do.</summary>
public sealed class RuleSetUnavailableException(string reason)
    : InvalidOperationException($"no rule set loaded: {reason}")
{
    public string Reason { get; } = reason;
}
