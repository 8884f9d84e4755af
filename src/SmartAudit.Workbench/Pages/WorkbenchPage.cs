using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartAudit.Core.Cases;
using SmartAudit.Workbench.Accounts;

namespace SmartAudit.Workbench.Pages;

/// <summary>What every workbench page has: the labels in the reader's language and the signed-in reviewer.</summary>
public abstract class WorkbenchPage : PageModel
{
    public WorkbenchText T => WorkbenchText.For(HttpContext);

    /// <summary>The signed-in reviewer (every page but sign-in requires one).</summary>
    public Reviewer Me => ReviewerPrincipal.From(User) ?? throw new InvalidOperationException("no signed-in reviewer");
}
