namespace SmartAudit.Workbench.Pages;

/// <summary>Shown to a signed-in user without a workbench role.</summary>
public sealed class DeniedModel : WorkbenchPage
{
    public void OnGet()
    {
    }
}
