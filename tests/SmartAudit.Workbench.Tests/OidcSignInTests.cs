using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Testing;

namespace SmartAudit.Workbench.Tests;

/// <summary>Production sign-in: with Workbench:Oidc set, the sign-in page sends the browser to the provider (code flow with PKCE).</summary>
public sealed class OidcSignInTests
{
    [Fact]
    public async Task SignIn_WithAnIdentityProviderConfigured_RedirectsToItsAuthorizeEndpointWithPkce()
    {
        await using var provider = await StartProviderAsync();
        await using var host = await WorkbenchHost.StartAsync(settings:
        [
            $"Workbench:Oidc:Authority={provider.Address}",
            "Workbench:Oidc:ClientId=smartaudit-workbench",
            "Workbench:Oidc:ClientSecret=from-the-environment",
            "Workbench:Oidc:RequireHttpsMetadata=false",
        ]);
        using var client = host.Client();

        var page = await client.GetStringAsync("/signin");
        using var response = await WorkbenchHost.PostFormAsync(client, "/signin?handler=Oidc", new() { ["returnUrl"] = "/dashboard" }, formPage: "/signin");

        Assert.Contains("id=\"signin-oidc\"", page, StringComparison.Ordinal);
        var location = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, location);
        Assert.StartsWith($"{provider.Address}/authorize?", location, StringComparison.Ordinal);
        Assert.Contains("client_id=smartaudit-workbench", location, StringComparison.Ordinal);
        Assert.Contains("response_type=code", location, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", location, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString($"{host.Address}/signin-oidc"), location, StringComparison.Ordinal);
    }

    /// <summary>An identity provider's discovery document on loopback: enough for the redirect, nothing signs tokens.</summary>
    private static async Task<Provider> StartProviderAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1)); // not the h2c default of the server's appsettings beside the tests
        var app = builder.Build();
        string Base(HttpContext c) => $"{c.Request.Scheme}://{c.Request.Host}";
        app.MapGet("/.well-known/openid-configuration", (HttpContext c) => Results.Text($$"""
            {"issuer":"{{Base(c)}}","authorization_endpoint":"{{Base(c)}}/authorize","token_endpoint":"{{Base(c)}}/token","jwks_uri":"{{Base(c)}}/jwks",
             "response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}
            """, "application/json"));
        app.MapGet("/jwks", () => Results.Text("""{"keys":[]}""", "application/json"));
        await app.StartAsync();
        return new Provider(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private sealed record Provider(WebApplication App, string Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
