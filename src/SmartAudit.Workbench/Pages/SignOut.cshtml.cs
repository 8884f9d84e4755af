using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace SmartAudit.Workbench.Pages;

/// <summary>Signs out (POST only, with the anti-forgery token) and returns to the sign-in page.</summary>
public sealed class SignOutModel : WorkbenchPage
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/signin");
    }
}
