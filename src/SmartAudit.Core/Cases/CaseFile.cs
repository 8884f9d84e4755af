namespace SmartAudit.Core.Cases;

/// <summary>A case as the store keeps it: the flag, and every decision taken on it, in order.</summary>
public sealed record CaseFile(CaseRecord Record, IReadOnlyList<CaseDecision> Decisions)
{
    /// <summary>Worked out from the decisions on every read (a handful per case), so a copy made with <c>with</c> is never stale.</summary>
    public CaseState State => CaseState.Fold(Decisions);
}

/// <summary>
/// Where a case stands, worked out from its decisions alone (so any copy rebuilt from the case-decisions topic
/// agrees with the original).
/// </summary>
/// <remarks>
/// <para><c>Version</c>: The number of decisions so far: the next decision's sequence is one more.</para>
/// <para><c>FirstReview</c>: The first review now waiting for (or answered by) a second review.</para>
/// <para><c>Final</c>: The decision that set the current outcome: a second review or a reversal.</para>
/// </remarks>
public sealed record CaseState(
    CaseStatus Status,
    int Version,
    string? AssignedTo,
    CaseDecision? FirstReview,
    CaseDecision? Final,
    long DeductFen,
    DateTimeOffset? UpdatedAt)
{
    public static CaseState New { get; } = new(CaseStatus.AwaitingFirstReview, 0, null, null, null, 0, null);

    /// <summary>True for an outcome that ends the review: confirmed or false positive.</summary>
    public bool IsClosed => Status is CaseStatus.Confirmed or CaseStatus.FalsePositive;

    public static CaseState Fold(IReadOnlyList<CaseDecision> decisions)
    {
        var state = New;
        foreach (var decision in decisions)
        {
            state = state.Apply(decision);
        }

        return state;
    }

    public CaseState Apply(CaseDecision decision)
    {
        var next = this with { Version = decision.Sequence, UpdatedAt = decision.DecidedAt };
        return decision.Step switch
        {
            CaseStep.FirstReview => next with { Status = CaseStatus.AwaitingSecondReview, FirstReview = decision },
            CaseStep.SecondReview or CaseStep.Reversal => next with
            {
                Status = StatusOf(decision.Outcome),
                Final = decision,
                DeductFen = decision.Outcome == CaseOutcome.Confirmed ? decision.DeductFen : 0,
            },
            CaseStep.Reassign => next with { AssignedTo = decision.AssignedTo },
            _ => next,
        };
    }

    public static CaseStatus StatusOf(CaseOutcome? outcome) => outcome switch
    {
        CaseOutcome.Confirmed => CaseStatus.Confirmed,
        CaseOutcome.FalsePositive => CaseStatus.FalsePositive,
        _ => CaseStatus.NeedsInformation,
    };
}
