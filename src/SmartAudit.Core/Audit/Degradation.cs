namespace SmartAudit.Core.Audit;

/// <summary>
/// A dependency that can leave the service working with less than it should (a decision log spooling to
/// disk, a store that is down): it says why while it lasts. Hosts ask every source before each request
/// and pass the reasons to the <see cref="Auditor"/>, so the answer says it is degraded and never fails
/// because of it.
/// </summary>
public interface IDegradationSource
{
    /// <summary>A short reason while degraded (e.g. "decision log spooling to disk"); null otherwise. Cheap: read per request.</summary>
    string? DegradedReason { get; }
}

/// <summary>The reasons of every registered <see cref="IDegradationSource"/>, gathered per request.</summary>
public sealed class DegradedReasons(IEnumerable<IDegradationSource> sources)
{
    private static readonly IReadOnlyList<string> None = [];
    private readonly IDegradationSource[] _sources = [.. sources];

    /// <summary>The current reasons; the same empty list, allocation-free, while nothing is degraded.</summary>
    public IReadOnlyList<string> Current()
    {
        List<string>? reasons = null;
        foreach (var source in _sources)
        {
            if (source.DegradedReason is { } reason)
            {
                (reasons ??= []).Add(reason);
            }
        }

        return reasons ?? None;
    }
}
