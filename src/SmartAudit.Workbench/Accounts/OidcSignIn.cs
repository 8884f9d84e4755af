using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Accounts;

/// <summary>
/// Section <c>Workbench:Oidc</c>: sign-in through the organisation's OpenID Connect provider (authorization code
/// with PKCE), for production. The provider's role claim decides who is a reviewer and who a lead; a user with
/// neither signs in but sees only the "not allowed" page. Off while <see cref="Authority"/> is empty.
/// </summary>
public sealed class WorkbenchOidcOptions
{
    /// <summary>The provider's issuer URL (its <c>/.well-known/openid-configuration</c> is read from there). Empty: OIDC off.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From a secret store or the environment (<c>Workbench__Oidc__ClientSecret</c>), never from a file in the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the user's roles. Default <c>roles</c>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim shown as the user name and recorded on decisions. Default <c>preferred_username</c>.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>The role value that makes a reviewer. Default <c>smartaudit-reviewer</c>.</summary>
    public string ReviewerRole { get; set; } = "smartaudit-reviewer";

    /// <summary>The role value that makes a lead. Default <c>smartaudit-lead</c>.</summary>
    public string LeadRole { get; set; } = "smartaudit-lead";

    /// <summary>Require HTTPS for the provider's metadata. Default true; false only for a provider on loopback in tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

internal static class OidcSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static void Add(AuthenticationBuilder authentication, WorkbenchOidcOptions oidc)
    {
        authentication.AddOpenIdConnect(Scheme, "OpenID Connect", options =>
        {
            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.Authority = oidc.Authority;
            options.ClientId = oidc.ClientId;
            options.ClientSecret = oidc.ClientSecret;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;
            options.SaveTokens = false;
            options.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            options.CallbackPath = "/signin-oidc";
            options.SignedOutCallbackPath = "/signout-callback-oidc";
            options.MapInboundClaims = false;
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            options.Events.OnTokenValidated = context =>
            {
                // The workbench's own principal: user name, display name and one role, whatever the provider calls them.
                var user = context.Principal!;
                var name = user.FindFirst(oidc.NameClaim)?.Value ?? user.FindFirst("sub")?.Value ?? string.Empty;
                var roles = user.FindAll(oidc.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
                ReviewRole? role = roles.Contains(oidc.LeadRole) ? ReviewRole.Lead : roles.Contains(oidc.ReviewerRole) ? ReviewRole.Reviewer : null;
                context.Principal = role is { } r
                    ? ReviewerPrincipal.ToPrincipal(new Reviewer(name, user.FindFirst("name")?.Value ?? name, r), Scheme)
                    : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Scheme, ClaimTypes.Name, ClaimTypes.Role));
                return Task.CompletedTask;
            };
        });
    }
}
