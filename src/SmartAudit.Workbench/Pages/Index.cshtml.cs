using Microsoft.AspNetCore.Mvc;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Pages;

/// <summary>The queue: flagged cases riskiest first, filtered by hospital, doctor, rule, stage, status and date, a page at a time.</summary>
public sealed class IndexModel(ICaseStore store, Auditor auditor) : WorkbenchPage
{
    public QueueFilter Filter { get; private set; } = new();

    public CasePage? Cases { get; private set; }

    public string? Problem { get; private set; }

    public string? ProblemField { get; private set; }

    public IEnumerable<string> RuleIds => auditor.Rules.Current.Rules.Select(r => r.Id).Append(SmartAudit.Fraud.Scoring.FraudFinding.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public async Task OnGetAsync([FromQuery] QueueFilter filter, CancellationToken cancellationToken)
    {
        Filter = filter;
        var (query, field, problem) = filter.ToQuery();
        if (query is null || !ModelState.IsValid)
        {
            Problem = problem ?? string.Join("; ", ModelState.Where(e => e.Value?.Errors.Count > 0).Select(e => $"{e.Key}: {e.Value!.Errors[0].ErrorMessage}"));
            ProblemField = field;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        try
        {
            Cases = await store.QueryAsync(query, cancellationToken);
        }
        catch (CaseStoreUnavailableException ex)
        {
            Problem = ex.Message;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }
}
