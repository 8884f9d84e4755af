using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using SmartAudit.Workbench.Accounts;

namespace SmartAudit.Workbench.Pages;

/// <summary>The embedded sign-in: user name and password against the configured accounts' hashes.</summary>
public sealed partial class SignInModel(WorkbenchAccounts accounts, Security.SignInLockout lockout, Microsoft.Extensions.Options.IOptions<WorkbenchOptions> options,
    ILogger<SignInModel> logger) : WorkbenchPage
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
        var name = (userName ?? string.Empty).Trim();
        if (name.Length > 128)
        {
            name = name[..128];
        }

        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (lockout.LockedUntil(name) is { } locked)
        {
            // The same answer as a wrong password: a locked account says nothing about whether the password was right.
            LogLockedOut(logger, name, address, locked);
            return Refused();
        }

        var reviewer = accounts.SignIn(name, password ?? string.Empty);
        if (reviewer is null)
        {
            LogFailed(logger, name, address);
            if (lockout.Failed(name) is { } until)
            {
                LogLocked(logger, name, address, until);
            }

            return Refused();
        }

        lockout.Succeeded(name);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ReviewerPrincipal.ToPrincipal(reviewer));
        LogSignedIn(logger, reviewer.UserName, address);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Refused()
    {
        Failed = true;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workbench sign-in failed: user {User} from {Address}")]
    private static partial void LogFailed(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workbench account {User} locked until {Until:O} after repeated failed sign-ins, the last from {Address}")]
    private static partial void LogLocked(ILogger logger, string user, string address, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workbench sign-in refused: user {User} is locked until {Until:O} (from {Address})")]
    private static partial void LogLockedOut(ILogger logger, string user, string address, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workbench sign-in: {User} from {Address}")]
    private static partial void LogSignedIn(ILogger logger, string user, string address);
}
