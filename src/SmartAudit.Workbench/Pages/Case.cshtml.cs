using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using SmartAudit.Core.Cases;
using SmartAudit.Core.History;
using SmartAudit.Workbench.Accounts;
using SmartAudit.Workbench.Cases;

namespace SmartAudit.Workbench.Pages;

/// <summary>
/// One case: the claim and its lines, the findings, the fraud score and its reasons, the patient's recent history,
/// the case's own history, and the steps the signed-in reviewer may take now.
/// </summary>
public sealed class CaseModel(ICaseStore store, IPatientHistoryStore history, CaseReview review, WorkbenchAccounts accounts) : WorkbenchPage
{
    public CaseFile? Current { get; private set; }

    public PatientHistory? History { get; private set; }

    public string? HistoryProblem { get; private set; }

    public IReadOnlyList<CaseStep> Steps { get; private set; } = [];

    public IEnumerable<Reviewer> Assignable => accounts.All.Where(r => r.Role == ReviewRole.Reviewer);

    /// <summary>The form as posted, to show again with its errors.</summary>
    public DecisionForm? Posted { get; private set; }

    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        return await LoadAsync(id, cancellationToken) ? Page() : NotFoundPage();
    }

    public async Task<IActionResult> OnPostDecideAsync(string id, [FromForm] DecisionForm form, CancellationToken cancellationToken)
    {
        Posted = form;
        if (form.ToInput() is not { } input)
        {
            ModelState.AddModelError("deduct", T.Language == "zh" ? "扣减金额应为不小于 0、最多两位小数的数字" : "the amount must be a number of yuan, 0 or more, with at most two decimals");
        }
        else
        {
            try
            {
                await review.DecideAsync(id, input, Me, cancellationToken);
                return Redirect($"/cases/{Uri.EscapeDataString(id)}?saved=true");
            }
            catch (CaseWorkflowException ex)
            {
                ModelState.AddModelError(ex.Field, T.Language == "zh" && ex.MessageZh.Length > 0 ? ex.MessageZh : ex.Message);
                Response.StatusCode = ex.Refusal switch
                {
                    CaseRefusal.Forbidden => StatusCodes.Status403Forbidden,
                    CaseRefusal.Conflict => StatusCodes.Status409Conflict,
                    _ => StatusCodes.Status400BadRequest,
                };
            }
            catch (KeyNotFoundException)
            {
                return NotFoundPage();
            }
        }

        if (Response.StatusCode == StatusCodes.Status200OK)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFoundPage();
    }

    public string? ErrorFor(string field) => ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    public IEnumerable<string> Errors => ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage);

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        Current = await store.GetAsync(id, cancellationToken);
        if (Current is null)
        {
            return false;
        }

        Steps = CaseWorkflow.StepsAvailable(Current, Me);
        try
        {
            History = await history.GetAsync(Current.Record.PatientId, cancellationToken);
        }
        catch (HistoryUnavailableException ex)
        {
            HistoryProblem = ex.Message;
        }

        return true;
    }

    private NotFoundObjectResult NotFoundPage() => NotFound(T["case.notFound"]);
}

/// <summary>A decision form as posted: the step, the outcome, the amount in yuan, the note, the version the reviewer saw.</summary>
public sealed class DecisionForm
{
    public CaseStep Step { get; set; }
    public CaseOutcome? Outcome { get; set; }
    public string? Deduct { get; set; }
    public string? Note { get; set; }
    public int Version { get; set; }
    public string? AssignTo { get; set; }

    /// <summary>The workflow's input, or null when the amount is not a number of yuan with at most two decimals.</summary>
    public CaseDecisionInput? ToInput()
    {
        long fen = 0;
        if (!string.IsNullOrWhiteSpace(Deduct))
        {
            if (!decimal.TryParse(Deduct.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var yuan)
                || yuan < 0 || decimal.Round(yuan, 2) != yuan || yuan > 100_000_000m)
            {
                return null;
            }

            fen = (long)(yuan * 100);
        }

        return new CaseDecisionInput(Step, Outcome, Outcome == CaseOutcome.Confirmed ? fen : (Step == CaseStep.Reassign ? 0 : fen), Note, Version, AssignTo);
    }
}
