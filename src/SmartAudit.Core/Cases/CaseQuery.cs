namespace SmartAudit.Core.Cases;

/// <summary>Which statuses a queue shows.</summary>
public enum StatusFilter
{
    /// <summary>Everything still waiting for someone: first review, second review, more information.</summary>
    Open = 0,
    All,
    AwaitingFirstReview,
    AwaitingSecondReview,
    NeedsInformation,
    Confirmed,
    FalsePositive,
}

/// <summary>A queue filter and page. Empty fields do not filter; dates are the flag's calendar date, inclusive.</summary>
public sealed record CaseQuery
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public string? HospitalId { get; init; }
    public string? DoctorId { get; init; }
    public string? RuleId { get; init; }
    public string? Stage { get; init; }
    public StatusFilter Status { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public string? AssignedTo { get; init; }

    /// <summary>1-based page number.</summary>
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    public bool Matches(CaseSummary c) =>
        (HospitalId is null || c.HospitalId == HospitalId)
        && (DoctorId is null || c.DoctorId == DoctorId)
        && (Stage is null || c.Stage == Stage)
        && (AssignedTo is null || c.AssignedTo == AssignedTo)
        && (From is null || c.FlaggedOn >= From)
        && (To is null || c.FlaggedOn <= To)
        && StatusMatches(c.Status)
        && (RuleId is null || Array.IndexOf(c.RuleIds, RuleId) >= 0);

    private bool StatusMatches(CaseStatus status) => Status switch
    {
        StatusFilter.Open => status is CaseStatus.AwaitingFirstReview or CaseStatus.AwaitingSecondReview or CaseStatus.NeedsInformation,
        StatusFilter.All => true,
        StatusFilter.AwaitingFirstReview => status == CaseStatus.AwaitingFirstReview,
        StatusFilter.AwaitingSecondReview => status == CaseStatus.AwaitingSecondReview,
        StatusFilter.NeedsInformation => status == CaseStatus.NeedsInformation,
        StatusFilter.Confirmed => status == CaseStatus.Confirmed,
        _ => status == CaseStatus.FalsePositive,
    };
}

/// <summary>One page of the queue and how many cases the filter selects in all.</summary>
public sealed record CasePage(IReadOnlyList<CaseSummary> Items, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>The dashboard: cases by status and by rule, money confirmed, and flags per day.</summary>
public sealed record CaseStats(
    int Total,
    IReadOnlyDictionary<CaseStatus, int> ByStatus,
    IReadOnlyList<KeyValuePair<string, int>> ByRule,
    long ConfirmedDeductFen,
    long FlaggedAmountFen,
    IReadOnlyList<KeyValuePair<DateOnly, int>> PerDay);
