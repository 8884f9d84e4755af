using SmartAudit.Core.Cases;
using SmartAudit.Kafka.Compliance;
using SmartAudit.Workbench.Cases;

namespace SmartAudit.Workbench.Pages;

/// <summary>The team's figures: cases by status and by rule, money confirmed, pre-alert compliance, flags per day.</summary>
public sealed class DashboardModel(ICaseStore store, ComplianceFigures compliance) : WorkbenchPage
{
    public CaseStats? Stats { get; private set; }

    public ComplianceRow? Compliance { get; private set; }

    public string? ComplianceProblem { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>The last 60 days that have flags, oldest first, for the chart.</summary>
    public IReadOnlyList<KeyValuePair<DateOnly, int>> Days => Stats is null ? [] : [.. Stats.PerDay.TakeLast(60)];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Stats = await store.StatsAsync(new CaseQuery { Status = StatusFilter.All }, cancellationToken);
        }
        catch (CaseStoreUnavailableException ex)
        {
            Problem = ex.Message;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }

        (Compliance, ComplianceProblem) = await compliance.TotalAsync(cancellationToken);
    }
}
