using SmartAudit.Core.Decisions;

namespace SmartAudit.Core.Cases;

/// <summary>What applying one record from the record of truth did to a store.</summary>
public enum CaseReplayOutcome
{
    /// <summary>A new case.</summary>
    Added,
    /// <summary>The case was there already (the same flag read twice, or raised by both the cases and decisions topics).</summary>
    AlreadyPresent,
    /// <summary>An audit decision the policy does not raise a case for.</summary>
    NotACase,
    /// <summary>The next decision of its case.</summary>
    Appended,
    /// <summary>The very decision the store has at that sequence already (read twice, or the workbench wrote it first).</summary>
    Duplicate,
    /// <summary>The store has a different decision at that sequence: the store's stays, this one is not applied.</summary>
    Conflicting,
    /// <summary>The store has no such case (yet): the decision can be applied once the case is.</summary>
    CaseMissing,
    /// <summary>An earlier decision of the case is missing from the store: this one can be applied once that one is.</summary>
    OutOfOrder,
}

/// <summary>How many records had each <see cref="CaseReplayOutcome"/>.</summary>
public sealed class CaseReplayTally
{
    private readonly long[] _counts = new long[Enum.GetValues<CaseReplayOutcome>().Length];

    public long this[CaseReplayOutcome outcome] => _counts[(int)outcome];

    public void Add(CaseReplayOutcome outcome) => _counts[(int)outcome]++;

    /// <summary>The non-zero counts, e.g. <c>Added 120, AlreadyPresent 3</c>.</summary>
    public override string ToString() =>
        string.Join(", ", Enum.GetValues<CaseReplayOutcome>().Where(o => this[o] > 0).Select(o => $"{o} {this[o]}"));
}

/// <summary>
/// Applies the record of truth (flagged cases, audit decisions that raise cases, case decisions) to a store,
/// idempotently: a case is added once however often it is read, a decision is appended only as the next of its
/// case, and one already there is recognised and skipped. Used by the live intake, a rebuild and the label
/// export alike, so they agree. Not thread-safe (the tally): one per reader.
/// </summary>
/// <param name="store">Where cases and decisions go.</param>
/// <param name="policy">Which audit decisions raise a case.</param>
/// <param name="calendar">The fund's UTC offset, in which a case raised from a decision is flagged (as the embedded intake does); null keeps the decision's own.</param>
public sealed class CaseReplay(ICaseStore store, CasePolicy policy, TimeSpan? calendar = null)
{
    public CaseReplayTally Tally { get; } = new();

    /// <summary>A flagged case from the cases topic (or an export of cases).</summary>
    public async Task<CaseReplayOutcome> AddCaseAsync(CaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Count(await store.AddAsync(record, cancellationToken) ? CaseReplayOutcome.Added : CaseReplayOutcome.AlreadyPresent);
    }

    /// <summary>An audit decision: a case (without a claim source) when the policy raises one.</summary>
    public async Task<CaseReplayOutcome> AddDecisionAsync(DecisionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!policy.Raises(record))
        {
            return Count(CaseReplayOutcome.NotACase);
        }

        return await AddCaseAsync(CaseRecord.From(record, null, calendar), cancellationToken);
    }

    /// <summary>A decision on a case; when the store refuses it, finds out why (duplicate, conflicting, too early).</summary>
    public async Task<CaseReplayOutcome> AppendAsync(CaseDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        try
        {
            await store.AppendAsync(decision, cancellationToken);
            return Count(CaseReplayOutcome.Appended);
        }
        catch (CaseConflictException)
        {
            var file = await store.GetAsync(decision.CaseId, cancellationToken);
            return Count(file is null ? CaseReplayOutcome.CaseMissing
                : decision.Sequence > file.Decisions.Count ? CaseReplayOutcome.OutOfOrder
                : decision.Sequence >= 1 && file.Decisions[decision.Sequence - 1] == decision ? CaseReplayOutcome.Duplicate
                : CaseReplayOutcome.Conflicting);
        }
    }

    private CaseReplayOutcome Count(CaseReplayOutcome outcome)
    {
        Tally.Add(outcome);
        return outcome;
    }
}
