using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Core.Cases;
using SmartAudit.Workbench;
using SmartAudit.Workbench.Accounts;

namespace SmartAudit.Testing;

/// <summary>
/// The audit server with the workbench on, on free loopback ports, with the four people of
/// <see cref="Cases.Cases"/> as accounts (one shared test password), and HTTP clients that sign in as them.
/// </summary>
public sealed partial class WorkbenchHost : IAsyncDisposable
{
    public const string Password = "test-password-7";
    private static readonly Lazy<string> PasswordHash = new(() => WorkbenchAccounts.Hash(Password));
    private readonly string _folder;

    private WorkbenchHost(AuditServerHost server, string address, string folder)
    {
        Server = server;
        Address = address;
        _folder = folder;
    }

    public AuditServerHost Server { get; }

    /// <summary>The workbench's base address, <c>http://127.0.0.1:port</c>.</summary>
    public string Address { get; }

    public ICaseStore Store => Server.Services.GetRequiredService<ICaseStore>();

    public string CaseDecisionsPath => Path.Combine(_folder, "case-decisions.jsonl");

    public static readonly Reviewer[] People = [Cases.Cases.ReviewerWang, Cases.Cases.ReviewerZhao, Cases.Cases.LeadLi, Cases.Cases.LeadChen];

    /// <param name="demoClaims">Simulated claims to audit at start-up (0: an empty queue the test fills).</param>
    public static async Task<WorkbenchHost> StartAsync(int demoClaims = 0, IEnumerable<string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"smartaudit-workbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var accounts = People.SelectMany((p, i) => new[]
        {
            $"Workbench:Users:{i}:UserName={p.UserName}",
            $"Workbench:Users:{i}:DisplayName={p.DisplayName}",
            $"Workbench:Users:{i}:Role={ReviewerPrincipal.RoleName(p.Role)}",
            $"Workbench:Users:{i}:PasswordHash={PasswordHash.Value}",
        });
        string[] all =
        [
            "Workbench:Enabled=true",
            "Workbench:Urls=http://127.0.0.1:0",
            $"Workbench:DemoClaims={demoClaims}",
            $"Workbench:DecisionsPath={Path.Combine(folder, "case-decisions.jsonl")}",
            .. accounts,
            .. settings ?? [],
        ];
        var server = await AuditServerHost.StartAsync(all, services);
        var address = server.Services.GetRequiredService<WorkbenchEndpoint>().Addresses[0];
        return new WorkbenchHost(server, address, folder);
    }

    /// <summary>Waits until the queue holds at least <paramref name="atLeast"/> cases and has stopped growing (the demo seeding is done).</summary>
    public async Task<int> WaitForCasesAsync(int atLeast = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var last = -1;
        while (true)
        {
            var total = (await Store.QueryAsync(new CaseQuery { Status = StatusFilter.All, PageSize = 1 })).Total;
            if (total >= atLeast && total == last)
            {
                return total;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the queue has {total} case(s); waited for {atLeast}");
            }

            last = total;
            await Task.Delay(300);
        }
    }

    /// <summary>A client that keeps cookies and does not follow redirects (so a test sees them).</summary>
    public HttpClient Client(CookieContainer? cookies = null) => new(new HttpClientHandler
    {
        CookieContainer = cookies ?? new CookieContainer(),
        AllowAutoRedirect = false,
    })
    {
        BaseAddress = new Uri(Address),
    };

    /// <summary>A client signed in as <paramref name="who"/>.</summary>
    public async Task<HttpClient> SignInAsync(Reviewer who, string password = Password)
    {
        var client = Client();
        using var response = await PostFormAsync(client, "/signin", new() { ["userName"] = who.UserName, ["password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in as {who.UserName} answered {(int)response.StatusCode}");
        }

        return client;
    }

    /// <summary>Gets <paramref name="path"/>, then posts the form with the anti-forgery token the page gave.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields, string? formPage = null)
    {
        var page = await client.GetStringAsync(formPage ?? path);
        var token = AntiforgeryToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException($"{formPage ?? path} has no anti-forgery token");
        }

        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
