using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Cases;
using SmartAudit.Testing;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Workbench.Tests;

/// <summary>Cases raised from live decisions (the embedded intake), and patient identifiers kept out of the logs.</summary>
public sealed class CaseIntakeTests
{
    [Fact]
    public async Task Check_BlockAtPre_BecomesACase_ButAReminderDoesNot()
    {
        await using var host = await WorkbenchHost.StartAsync();
        var blocked = WireOrders.Request("R-intake-block", Stage.Pre, Sex.Female, WireOrders.Line("XG04CBF036A001", "L1"));
        var passed = WireOrders.Request("R-intake-pass", Stage.Pre, Sex.Female, WireOrders.Line());

        Assert.Equal(SmartAudit.Contracts.V1.Action.Block, (await host.Server.Client.CheckAsync(blocked)).Action);
        await host.Server.Client.CheckAsync(passed);

        await Wait.UntilAsync(async () => await host.Store.GetAsync("R-intake-block") is not null, () => "case R-intake-block", TimeSpan.FromSeconds(10));
        var file = (await host.Store.GetAsync("R-intake-block"))!;
        Assert.Equal("PRE", file.Record.Stage);
        Assert.Equal("GZ-SEX-001", Assert.Single(file.Record.Findings).RuleId);
        Assert.Null(await host.Store.GetAsync("R-intake-pass"));
    }

    [Fact]
    public async Task PatientIdentifier_IsOnTheCasePageForASignedInReviewer_ButNeverInTheLogs()
    {
        var logs = new CapturedLogs();
        await using var host = await WorkbenchHost.StartAsync(settings: ["Logging:LogLevel:Default=Debug"], services: s => s.AddSingleton<ILoggerProvider>(logs));
        const string patient = "P-PRIVATE-4417";
        await host.Store.AddAsync(Flagged("C-private", patientId: patient));
        using var client = await host.SignInAsync(ReviewerWang);

        var queue = await client.GetStringAsync("/");
        var page = await client.GetStringAsync("/cases/C-private");
        using var decided = await WorkbenchHttpTests.Decide(client, "C-private", "FirstReview", "FalsePositive", "", "诊疗合理", 0);
        var csv = await client.GetStringAsync("/export.csv");

        Assert.Contains(patient, page, StringComparison.Ordinal);
        Assert.DoesNotContain(patient, queue, StringComparison.Ordinal); // the queue shows it masked
        Assert.Contains(patient, csv, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(patient, StringComparison.Ordinal));
    }
}
