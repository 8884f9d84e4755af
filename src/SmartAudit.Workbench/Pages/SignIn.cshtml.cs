using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using SmartAudit.Workbench.Accounts;

namespace SmartAudit.Workbench.Pages;

/// <summary>The embedded sign-in: user name and password against the configured accounts' hashes.</summary>
public sealed partial class SignInModel(WorkbenchAccounts accounts, Microsoft.Extensions.Options.IOptions<WorkbenchOptions> options, ILogger<SignInModel> logger) : WorkbenchPage
{
    public bool Failed { get; private set; }

    public string? UserName { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Whether the organisation's identity provider is configured (the page then offers it first).</summary>
    public bool Oidc => options.Value.Oidc.Enabled;

    /// <summary>Whether any embedded account exists (the password form is shown only then).</summary>
    public bool HasAccounts => accounts.Count > 0;

    public void OnGet()
    {
    }

    /// <summary>Sends the browser to the identity provider, back to <see cref="ReturnUrl"/> after.</summary>
    public IActionResult OnPostOidc() => Oidc
        ? Challenge(new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" }, OidcSignIn.Scheme)
        : NotFound();

    public async Task<IActionResult> OnPostAsync(string? userName, string? password)
    {
        UserName = userName;
        var reviewer = accounts.SignIn(userName ?? string.Empty, password ?? string.Empty);
        if (reviewer is null)
        {
            LogFailed(logger);
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ReviewerPrincipal.ToPrincipal(reviewer));
        LogSignedIn(logger, reviewer.UserName);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workbench sign-in failed")]
    private static partial void LogFailed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workbench sign-in: {User}")]
    private static partial void LogSignedIn(ILogger logger, string user);
}
