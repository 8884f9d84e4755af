using System.Net;
using SmartAudit.Core.Cases;
using SmartAudit.Testing;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Workbench.Tests;

/// <summary>The workbench over plain HTTP: who may see and do what, and what ends up on record.</summary>
public sealed class WorkbenchHttpTests(WorkbenchFixture fixture) : IClassFixture<WorkbenchFixture>
{
    private WorkbenchHost Host => fixture.Host;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Theory]
    [InlineData("/")]
    [InlineData("/cases/C1")]
    [InlineData("/dashboard")]
    [InlineData("/export.csv")]
    public async Task Page_WithoutSignIn_RedirectsToSignIn(string path)
    {
        using var client = Host.Client();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsRefusedWithoutSayingWhichPartWasWrong()
    {
        using var client = Host.Client();

        using var wrongPassword = await WorkbenchHost.PostFormAsync(client, "/signin", new() { ["userName"] = ReviewerWang.UserName, ["password"] = "nope" });
        using var unknownUser = await WorkbenchHost.PostFormAsync(client, "/signin", new() { ["userName"] = "nobody", ["password"] = "nope" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Contains("用户名或密码不正确", await wrongPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var queue = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, queue.StatusCode);
    }

    [Fact]
    public async Task Decide_WithoutTheAntiforgeryToken_IsRejectedAndNothingIsRecorded()
    {
        var id = NewId("csrf");
        await Host.Store.AddAsync(Flagged(id));
        using var client = await Host.SignInAsync(ReviewerWang);

        using var response = await client.PostAsync($"/cases/{id}?handler=Decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["step"] = "FirstReview", ["outcome"] = "FalsePositive", ["note"] = "forged", ["version"] = "0",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await Host.Store.GetAsync(id))!.Decisions);
    }

    [Fact]
    public async Task FirstThenSecondReview_OverHttp_ClosesTheCaseAndPutsBothDecisionsOnRecord()
    {
        var id = NewId("flow");
        await Host.Store.AddAsync(Flagged(id));
        using var reviewer = await Host.SignInAsync(ReviewerWang);
        using var lead = await Host.SignInAsync(LeadLi);

        using var first = await Decide(reviewer, id, "FirstReview", "Confirmed", "100.00", "重复收取诊查费", 0);
        using var second = await Decide(lead, id, "SecondReview", "Confirmed", "80.50", "同意，按 80.50 元扣减", 1);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var file = (await Host.Store.GetAsync(id))!;
        Assert.Equal(CaseStatus.Confirmed, file.State.Status);
        Assert.Equal(8050, file.State.DeductFen);
        Assert.Equal([ReviewerWang.UserName, LeadLi.UserName], file.Decisions.Select(d => d.DecidedBy));
        var logged = (await File.ReadAllLinesAsync(Host.CaseDecisionsPath)).Select(l => CaseJsonContext.ReadDecision(System.Text.Encoding.UTF8.GetBytes(l))).Where(d => d.CaseId == id);
        Assert.Equal(file.Decisions, logged);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Host.CaseDecisionsPath)); // names patients: the service account's alone
        }
        var page = await lead.GetStringAsync($"/cases/{id}");
        Assert.Contains("确认违规", page, StringComparison.Ordinal);
        Assert.Contains("同意，按 80.50 元扣减", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondReview_PostedByAReviewer_IsForbiddenAndNothingIsRecorded()
    {
        var id = NewId("role");
        await Host.Store.AddAsync(Flagged(id));
        using var wang = await Host.SignInAsync(ReviewerWang);
        using var zhao = await Host.SignInAsync(ReviewerZhao);
        using var first = await Decide(wang, id, "FirstReview", "FalsePositive", "", "诊疗合理", 0);

        var page = await zhao.GetStringAsync($"/cases/{id}");
        using var second = await Decide(zhao, id, "SecondReview", "FalsePositive", "", "我也同意", 1);

        Assert.DoesNotContain("name=\"step\" value=\"SecondReview\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Contains("复审须由组长办理", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await Host.Store.GetAsync(id))!.Decisions);
    }

    [Fact]
    public async Task SecondReview_BeforeTheFirst_IsRefusedSayingWhy()
    {
        var id = NewId("skip");
        await Host.Store.AddAsync(Flagged(id));
        using var lead = await Host.SignInAsync(LeadLi);

        using var response = await Decide(lead, id, "SecondReview", "Confirmed", "10.00", "跳过初审", 0);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("此案件尚未初审，不能先复审", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await Host.Store.GetAsync(id))!.Decisions);
    }

    [Fact]
    public async Task Decide_ConfirmedWithAnAmountThatIsNotMoney_SaysWhatIsWrong()
    {
        var id = NewId("amount");
        await Host.Store.AddAsync(Flagged(id));
        using var reviewer = await Host.SignInAsync(ReviewerWang);

        using var response = await Decide(reviewer, id, "FirstReview", "Confirmed", "12.345", "x", 0);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("扣减金额", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_FiltersByHospitalAndRule_AndPages()
    {
        var hospital = NewId("H");
        for (var i = 0; i < 55; i++)
        {
            await Host.Store.AddAsync(Flagged(NewId("q"), score: 0.5 + (i / 200.0), hospitalId: hospital, ruleIds: i % 5 == 0 ? ["GZ-EXC-001"] : ["GZ-DUP-001"]));
        }

        using var client = await Host.SignInAsync(ReviewerWang);
        var first = await client.GetStringAsync($"/?hospital={hospital}&lang=en");
        var second = await client.GetStringAsync($"/?hospital={hospital}&page=2");
        var rule = await client.GetStringAsync($"/?hospital={hospital}&rule=GZ-EXC-001");

        Assert.Contains("55 cases", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 2", first, StringComparison.Ordinal);
        Assert.Contains("Page 2 of 2", second, StringComparison.Ordinal);
        Assert.Contains("11 cases", rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_EndDateBeforeStartDate_SaysWhichField()
    {
        using var client = await Host.SignInAsync(ReviewerWang);

        using var response = await client.GetAsync("/?from=2026-03-10&to=2026-03-01");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the end date 2026-03-01 is before the start date 2026-03-10", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_HasEveryMatchingCaseNotJustThePage_AsUtf8CsvWithABom()
    {
        var hospital = NewId("X");
        for (var i = 0; i < 60; i++)
        {
            await Host.Store.AddAsync(Flagged(NewId("x"), hospitalId: hospital));
        }

        using var client = await Host.SignInAsync(ReviewerWang);
        var bytes = await client.GetByteArrayAsync($"/export.csv?hospital={hospital}");

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(61, lines.Length);
        Assert.StartsWith("case_id,risk,flagged_at,stage,hospital_id", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Contains($",{hospital},", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_CountsByStatusAndShowsTheConfirmedAmount()
    {
        using var lead = await Host.SignInAsync(LeadLi);

        var page = await lead.GetStringAsync("/dashboard?lang=en");

        Assert.Contains("Cases flagged per day", page, StringComparison.Ordinal);
        Assert.Contains("Amount confirmed", page, StringComparison.Ordinal);
        Assert.Contains("Pre-alert compliance", page, StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> Decide(HttpClient client, string caseId, string step, string outcome, string deduct, string note, int version) =>
        await WorkbenchHost.PostFormAsync(client, $"/cases/{caseId}?handler=Decide", new()
        {
            ["step"] = step, ["outcome"] = outcome, ["deduct"] = deduct, ["note"] = note, ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, formPage: $"/cases/{caseId}");
}
