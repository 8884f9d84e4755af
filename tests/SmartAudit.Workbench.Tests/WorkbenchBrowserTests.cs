using Microsoft.Playwright;
using SmartAudit.Core.Cases;
using SmartAudit.Testing;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Workbench.Tests;

/// <summary>
/// A fraud team's morning in a real browser: sign in, filter the queue, open a case, first review by a reviewer,
/// second review by a lead, and the outcome on the dashboard. With <c>SMARTAUDIT_SCREENSHOTS=1</c> the queue and
/// case screenshots are written to docs/images for the README.
/// </summary>
[Trait("Category", "Browser")]
public sealed class WorkbenchBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private WorkbenchHost Host => fixture.Host;

    [Fact]
    public async Task ReviewerAndLead_TakeACaseThroughBothReviews_AndTheDashboardShowsIt()
    {
        var page = await fixture.NewPageAsync();

        // Sign in as a reviewer; the queue comes first, riskiest case on top.
        await SignInAsync(page, ReviewerWang);
        await Visible(page.GetByRole(AriaRole.Heading, new() { Name = "Case queue" }));
        var rows = page.Locator("#queue tbody tr");
        Assert.True(await rows.CountAsync() > 0);
        var risks = await page.Locator("#queue tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(risks.Select(int.Parse).OrderByDescending(r => r), risks.Select(int.Parse));

        // Filter by the top case's hospital and awaiting first review: every row is that hospital's.
        var hospital = await rows.First.Locator("td").Nth(4).InnerTextAsync();
        await page.GetByLabel("Hospital").FillAsync(hospital);
        await page.GetByLabel("Status").SelectOptionAsync("AwaitingFirstReview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("hospital=" + hospital, StringComparison.Ordinal));
        var hospitals = await page.Locator("#queue tbody tr td:nth-child(5)").AllInnerTextsAsync();
        Assert.NotEmpty(hospitals);
        Assert.All(hospitals, h => Assert.Equal(hospital, h));
        await ScreenshotAsync(page, "workbench-queue.png");

        // Open the top case: findings, the fraud score with reasons, the patient's history, the lines.
        var caseLink = page.Locator("#queue tbody tr").First.Locator("td:nth-child(2) a");
        var caseId = await caseLink.InnerTextAsync();
        await caseLink.ClickAsync();
        await Visible(page.GetByRole(AriaRole.Heading, new() { Name = "Findings" }));
        await Visible(page.GetByRole(AriaRole.Heading, new() { Name = "The patient's recent history" }));
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("Awaiting first review");
        var file = (await Host.Store.GetAsync(caseId))!;
        if (file.Record.Fraud is not null)
        {
            await Expect(page.Locator("#fraud-score")).ToHaveTextAsync(file.Record.Fraud.Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        }

        // First review: confirmed, with the amount and a note.
        var deduct = Math.Max(1, file.Record.FlaggedAmountFen / 2) / 100m;
        var form = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "First review", Exact = true }) });
        await form.GetByLabel("Confirmed violation").CheckAsync();
        await form.GetByLabel("Amount to deduct (yuan)").FillAsync(deduct.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        await form.GetByLabel("Note").FillAsync("Charges not supported by the medical record");
        await ScreenshotAsync(page, "workbench-case.png");
        await form.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("Awaiting second review");
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Second review", Exact = true }).CountAsync()); // not a reviewer's step

        // Sign out; a lead signs in and takes the second review, proposed outcome and amount filled in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(page, LeadLi);
        await page.GotoAsync($"/cases/{caseId}");
        var second = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Second review", Exact = true }) });
        await Expect(second.GetByLabel("Confirmed violation")).ToBeCheckedAsync();
        await second.GetByLabel("Note").FillAsync("Agreed after reading the record");
        await second.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("Confirmed violation");
        await Expect(page.Locator("#case-record li")).ToHaveCountAsync(2);

        // The dashboard counts it and adds its amount to the confirmed money.
        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        var stats = await Host.Store.StatsAsync(new CaseQuery { Status = StatusFilter.All });
        Assert.True(stats.ByStatus[CaseStatus.Confirmed] >= 1);
        await Expect(page.Locator("#by-status tr[data-status='Confirmed'] td.num")).ToHaveTextAsync(stats.ByStatus[CaseStatus.Confirmed].ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#dash-confirmed")).ToHaveTextAsync(WorkbenchTextYuan(stats.ConfirmedDeductFen));
        Assert.Equal(CaseStatus.Confirmed, (await Host.Store.GetAsync(caseId))!.State.Status);
    }

    [Fact]
    public async Task Queue_InChinese_IsKeyboardUsableAndLabelled()
    {
        var page = await fixture.NewPageAsync("zh");
        await SignInAsync(page, ReviewerZhao);
        await page.GotoAsync("/?lang=zh");

        await Visible(page.GetByRole(AriaRole.Heading, new() { Name = "待审案件" }));
        foreach (var label in new[] { "医院", "医生", "规则", "环节", "状态" })
        {
            await Visible(page.GetByLabel(label, new() { Exact = true }));
        }

        // Keyboard only: the skip link first, then into the filters, Enter applies them.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(".skip")).ToBeFocusedAsync();
        await page.GetByLabel("医生", new() { Exact = true }).FocusAsync();
        await page.Keyboard.TypeAsync("D-none");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("doctor=D-none", StringComparison.Ordinal));
        await Visible(page.GetByText("没有符合条件的案件。"));
    }

    private static string WorkbenchTextYuan(long fen) => (fen / 100m).ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task SignInAsync(IPage page, Reviewer who)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal));
        await page.Locator("#userName").FillAsync(who.UserName);
        await page.Locator("#password").FillAsync(WorkbenchHost.Password);
        await page.Locator("form.form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    private static Task Visible(ILocator locator) => Assertions.Expect(locator.First).ToBeVisibleAsync();

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("SMARTAUDIT_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(ShippedRules.Folder, "..", "docs", "images");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, name), bytes);
        }
    }
}
