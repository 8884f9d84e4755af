using Microsoft.Playwright;
using SmartAudit.Testing;

namespace SmartAudit.Workbench.Tests;

/// <summary>
/// Headless Chromium driven by Playwright, against a workbench with demo cases (simulated claims audited at POST
/// by the real auditor). The browser is Debian's (<c>apt-get install chromium</c>, done by .ci/run): Playwright's
/// own browser download is not available on these machines. <c>CHROMIUM_PATH</c> points elsewhere if needed.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const int DemoClaims = 1500;

    public WorkbenchHost Host { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"no Chromium at {ChromiumPath}: install it with 'apt-get install -y chromium' (.ci/run does) or set CHROMIUM_PATH");
        }

        Host = await WorkbenchHost.StartAsync(DemoClaims);
        await Host.WaitForCasesAsync(atLeast: 50);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) at a laptop's screen size.</summary>
    public async Task<IPage> NewPageAsync(string language = "en")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.Address,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = language == "en" ? "en-GB" : "zh-CN",
        });
        context.SetDefaultTimeout(15_000);
        await context.AddCookiesAsync([new Cookie { Name = "smartaudit.lang", Value = language, Url = Host.Address }]); // the workbench's language switch
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
