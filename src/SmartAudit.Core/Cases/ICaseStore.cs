namespace SmartAudit.Core.Cases;

/// <summary>
/// The workbench's working view of cases: in memory for the embedded default, Redis in production. The record of
/// truth is the cases and case-decisions topics; a store can always be rebuilt from them.
/// </summary>
public interface ICaseStore
{
    /// <summary>Adds a flagged case; false when a case with that id is already there (adding is idempotent).</summary>
    Task<bool> AddAsync(CaseRecord record, CancellationToken cancellationToken = default);

    /// <summary>The case with its decisions, or null.</summary>
    Task<CaseFile?> GetAsync(string caseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a decision. Its <see cref="CaseDecision.Sequence"/> must be the next one for the case: a decision
    /// already taken is never replaced (<see cref="CaseConflictException"/>), and an unknown case is refused.
    /// </summary>
    Task AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default);

    /// <summary>One page of the queue, riskiest first.</summary>
    Task<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default);

    /// <summary>The dashboard's figures over the cases the filter selects (paging ignored).</summary>
    Task<CaseStats> StatsAsync(CaseQuery filter, CancellationToken cancellationToken = default);

    /// <summary>Removes every case and decision: the first step of a rebuild.</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);
}

/// <summary>A decision whose sequence is taken already, or that names a case the store does not have.</summary>
public sealed class CaseConflictException : Exception
{
    public CaseConflictException()
    {
    }

    public CaseConflictException(string message)
        : base(message)
    {
    }

    public CaseConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The store cannot answer (Redis down): the workbench says so rather than showing a stale or empty queue.</summary>
public sealed class CaseStoreUnavailableException : Exception
{
    public CaseStoreUnavailableException()
    {
    }

    public CaseStoreUnavailableException(string message)
        : base(message)
    {
    }

    public CaseStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
