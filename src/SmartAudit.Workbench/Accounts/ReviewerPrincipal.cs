using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Accounts;

/// <summary>A signed-in reviewer as a claims principal, and back: user name, display name and role.</summary>
public static class ReviewerPrincipal
{
    public const string DisplayNameClaim = "smartaudit:display_name";

    /// <summary>Policy of every workbench page: a signed-in reviewer or lead.</summary>
    public const string ReviewerPolicy = "workbench-reviewer";

    public static ClaimsPrincipal ToPrincipal(Reviewer reviewer, string authenticationType = CookieAuthenticationDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, reviewer.UserName),
            new Claim(DisplayNameClaim, reviewer.DisplayName),
            new Claim(ClaimTypes.Role, RoleName(reviewer.Role)),
        ], authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The reviewer, or null for a principal without a workbench role (an OIDC user not in the fraud team).</summary>
    public static Reviewer? From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return null;
        }

        ReviewRole? role = user.IsInRole("lead") ? ReviewRole.Lead : user.IsInRole("reviewer") ? ReviewRole.Reviewer : null;
        return role is { } r ? new Reviewer(name, user.FindFirst(DisplayNameClaim)?.Value ?? name, r) : null;
    }

    public static string RoleName(ReviewRole role) => role == ReviewRole.Lead ? "lead" : "reviewer";
}
