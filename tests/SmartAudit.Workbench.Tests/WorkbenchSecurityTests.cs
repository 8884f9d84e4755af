using System.Net;
using SmartAudit.Testing;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Workbench.Tests;

/// <summary>The workbench as a system holding patient data: its own port, its headers, lockout, sessions that end.</summary>
public sealed class WorkbenchSecurityTests : IAsyncLifetime
{
    private WorkbenchHost _host = null!;

    public async Task InitializeAsync() => _host = await WorkbenchHost.StartAsync(settings: ["Workbench:LockoutFailures=3"]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/signin")]
    [InlineData("/")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        using var client = _host.Client();

        using var response = await client.GetAsync(path);

        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/")]
    [InlineData("/export.csv")]
    public async Task OnTheGrpcPort_TheWorkbenchIsAbsent(string path)
    {
        using var http = new HttpClient
        {
            BaseAddress = new Uri(_host.Server.Address),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("__RequestVerificationToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedWrongPasswords_LockTheAccount_TheRightOneIsRefusedToo_OtherAccountsUnaffected()
    {
        using var client = _host.Client();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await WorkbenchHost.PostFormAsync(client, "/signin", new() { ["userName"] = ReviewerZhao.UserName, ["password"] = $"guess-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await WorkbenchHost.PostFormAsync(client, "/signin", new() { ["userName"] = ReviewerZhao.UserName, ["password"] = WorkbenchHost.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        using var queue = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, queue.StatusCode);
        using var other = await _host.SignInAsync(LeadChen); // throws unless signed in
    }

    [Fact]
    public async Task AfterSignOut_ACopyOfTheCookie_NoLongerSignsAnyoneIn()
    {
        var cookies = new CookieContainer();
        using var client = _host.Client(cookies);
        using var signIn = await WorkbenchHost.PostFormAsync(client, "/signin", new() { ["userName"] = ReviewerWang.UserName, ["password"] = WorkbenchHost.Password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var copied = cookies.GetCookieHeader(new Uri(_host.Address));
        Assert.Contains("smartaudit.workbench=", copied, StringComparison.Ordinal);

        using var signOut = await WorkbenchHost.PostFormAsync(client, "/signout", [], formPage: "/");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var replay = _host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", copied);
        using var response = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
