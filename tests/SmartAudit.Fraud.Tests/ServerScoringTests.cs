using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;

namespace SmartAudit.Fraud.Tests;

/// <summary>The real server with the shipped model (models/fraud.zip) or with a model file a test controls.</summary>
[Collection(SmallWorldCollection.Name)]
public class ServerScoringTests(SmallWorld world)
{
    /// <summary>A settled claim with what the model looks at: a dear atypical drug, many packs, a long supply.</summary>
    private static CheckRequest UnusualClaim(string requestId, Stage stage = Stage.Post) => WireOrders.Request(requestId, stage, Sex.Female,
        WireOrders.Line("110200001000000", "1", ItemKind.Service, unitPriceFen: 900),
        WireOrders.Line("XJ01MAM055A001", "2", quantity: 12, unitPriceFen: 5600, dailyDose: 400, daysOfSupply: 30),
        WireOrders.Line("210102015000000", "3", ItemKind.Service, quantity: 2, unitPriceFen: 13000));

    [Fact]
    public async Task Check_Post_AnswersWithTheScoreTheModelVersionAndTheReasons()
    {
        await using var host = await AuditServerHost.StartAsync();

        var response = await host.Client.CheckAsync(UnusualClaim("F1"));

        Assert.False(response.Degraded, string.Join("; ", response.DegradedReasons));
        Assert.NotNull(response.Fraud);
        Assert.InRange(response.Fraud.Score, 0, 1);
        Assert.StartsWith("fraud+", response.Fraud.ModelVersion, StringComparison.Ordinal);
        Assert.InRange(response.Fraud.Reasons.Count, 1, 5);
        Assert.All(response.Fraud.Reasons, r =>
        {
            Assert.True(r.Contribution > 0);
            Assert.False(string.IsNullOrWhiteSpace(r.Message));
            Assert.False(string.IsNullOrWhiteSpace(r.MessageEn));
        });

        using var record = JsonDocument.Parse((await host.DecisionLogLinesAsync(1))[0]);
        Assert.Equal(response.Fraud.ModelVersion, record.RootElement.GetProperty("modelVersion").GetString());
        Assert.Equal(response.Fraud.Score, record.RootElement.GetProperty("fraud").GetProperty("score").GetDouble());
        Assert.Equal(response.Fraud.Reasons.Count, record.RootElement.GetProperty("fraud").GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public async Task Check_Pre_IsNotScoredByDefault_AndScoredWhenConfigured()
    {
        await using var host = await AuditServerHost.StartAsync();
        await using var scoringPre = await AuditServerHost.StartAsync(["Fraud:ScorePre=true"]);

        var off = await host.Client.CheckAsync(UnusualClaim("F2", Stage.Pre));
        var on = await scoringPre.Client.CheckAsync(UnusualClaim("F3", Stage.Pre));

        Assert.Null(off.Fraud);
        Assert.False(off.Degraded);
        Assert.NotNull(on.Fraud);
    }

    [Fact]
    public async Task Check_ScoreAboveTheThresholds_BecomesAModelFinding()
    {
        await using var host = await AuditServerHost.StartAsync(["Fraud:FlagThreshold=0", "Fraud:RemindThreshold=0", "Fraud:WarnThreshold=1"]);

        var post = await host.Client.CheckAsync(UnusualClaim("F4"));
        var mid = await host.Client.CheckAsync(UnusualClaim("F5", Stage.Mid));

        var flagged = Assert.Single(post.Findings, f => f.RuleId == "MODEL");
        Assert.Equal(Severity.Warn, flagged.Severity);
        Assert.Equal("FRAUD_RISK", flagged.Category);
        Assert.Equal(Certainty.Suspected, flagged.Certainty);
        Assert.Contains(post.Fraud.ModelVersion, flagged.MessageEn, StringComparison.Ordinal);
        Assert.True(post.Action >= Contracts.V1.Action.Warn);
        Assert.Equal(Severity.Remind, Assert.Single(mid.Findings, f => f.RuleId == "MODEL").Severity);
    }

    [Fact]
    public async Task Check_ModelFileMissing_AnswersRulesOnlyDegradedWithTheReason()
    {
        var path = Path.Combine(world.Folder, "missing", "fraud.zip");
        await using var host = await AuditServerHost.StartAsync([$"Fraud:ModelPath={path}"]);

        var response = await host.Client.CheckAsync(UnusualClaim("F6"));

        Assert.Null(response.Fraud);
        Assert.True(response.Degraded);
        Assert.Contains(response.DegradedReasons, r => r.StartsWith("fraud model unavailable: no fraud model at", StringComparison.Ordinal) && r.Contains(path, StringComparison.Ordinal));
        Assert.DoesNotContain(response.Findings, f => f.RuleId == "MODEL");
        var health = await FraudHealthAsync(host);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("answers are rules-only", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ModelFileCorrupt_AnswersRulesOnlyDegraded_AndHealthSaysWhy()
    {
        var path = Path.Combine(world.Folder, "corrupt-served.zip");
        await File.WriteAllTextAsync(path, "this is not a model");
        await using var host = await AuditServerHost.StartAsync([$"Fraud:ModelPath={path}"]);

        var response = await host.Client.CheckAsync(UnusualClaim("F7"));

        Assert.True(response.Degraded);
        Assert.Contains(response.DegradedReasons, r => r.Contains("is not a usable fraud model", StringComparison.Ordinal));
        var health = await FraudHealthAsync(host);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("is not a usable fraud model", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelFile_ReplacedWhileServing_NewVersionServesWithoutRestart_BrokenOneDoesNotReplaceIt()
    {
        var folder = Path.Combine(world.Folder, "served");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "fraud.zip");
        File.Copy(Path.Combine(ShippedRules.Folder, "..", "models", "fraud.zip"), path, overwrite: true);
        await using var host = await AuditServerHost.StartAsync([$"Fraud:ModelPath={path}"]);
        var before = (await host.Client.CheckAsync(UnusualClaim("F8"))).Fraud.ModelVersion;

        File.Copy(world.ModelPath, path + ".new", overwrite: true);
        File.Move(path + ".new", path, overwrite: true); // the documented way: write beside, rename over
        var after = await VersionWhenChangedAsync(host, before);
        await File.WriteAllTextAsync(path, "broken"); // written in place this time
        var health = await FraudHealthWhenAsync(host, HealthStatus.Degraded);
        var afterBroken = await host.Client.CheckAsync(UnusualClaim("F9"));

        Assert.StartsWith("fraud+", before, StringComparison.Ordinal);
        Assert.StartsWith("small+", after, StringComparison.Ordinal);
        Assert.Equal(after, afterBroken.Fraud.ModelVersion);
        Assert.False(afterBroken.Degraded);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains($"fraud model {after} in service; the last reload failed", health.Description, StringComparison.Ordinal);
    }

    private static async Task<string> VersionWhenChangedAsync(AuditServerHost host, string before)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var version = (await host.Client.CheckAsync(UnusualClaim("FV"))).Fraud?.ModelVersion ?? before;
            if (version != before || DateTime.UtcNow > deadline)
            {
                return version;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<HealthReportEntry> FraudHealthWhenAsync(AuditServerHost host, HealthStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var health = await FraudHealthAsync(host);
            if (health.Status == status || DateTime.UtcNow > deadline)
            {
                return health;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<HealthReportEntry> FraudHealthAsync(AuditServerHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["fraud-model"];
}
