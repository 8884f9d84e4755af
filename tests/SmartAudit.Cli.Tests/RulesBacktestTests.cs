using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

public class RulesBacktestTests
{
    [Fact]
    public void ClaimsGenerate_SameSeed_SameFile()
    {
        using var folder = new TempRuleSetFolder();
        var first = Path.Combine(folder.Path, "a.jsonl");
        var second = Path.Combine(folder.Path, "b.jsonl");

        Cli.Run("claims", "generate", "--rules", ShippedRules.Folder, "--out", first, "--count", "300", "--seed", "5");
        Cli.Run("claims", "generate", "--rules", ShippedRules.Folder, "--out", second, "--count", "300", "--seed", "5");

        Assert.Equal(300, File.ReadAllLines(first).Length);
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
    }

    [Fact]
    public void Backtest_TighterDoseRule_ShowsTheClaimsItAddsAgainstTheBaseline()
    {
        using var changed = new TempRuleSetFolder();
        // Flag daily doses above 40% of the maximum instead of above the maximum.
        changed.Replace("workflows/excess-quantity.json", "line.DailyDose > line.Item.MaxDailyDose\"", "line.DailyDose > line.Item.MaxDailyDose * 0.4\"");
        var claims = Path.Combine(changed.Path, "claims.jsonl");
        Cli.Run("claims", "generate", "--rules", ShippedRules.Folder, "--out", claims, "--count", "2000");

        var run = Cli.Run("rules", "backtest", "--claims", claims, "--rules", changed.Path, "--baseline", ShippedRules.Folder);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("2,000 claims replayed", run.Stdout, StringComparison.Ordinal);
        var qty = run.Stdout.Split('\n').Single(l => l.StartsWith("| GZ-QTY-001 ", StringComparison.Ordinal));
        var cells = qty.Split('|', StringSplitOptions.TrimEntries);
        Assert.StartsWith("+", cells[7], StringComparison.Ordinal);
        Assert.NotEqual("+0", cells[7]);
        Assert.Equal("-0", cells[8]);
        var sex = run.Stdout.Split('\n').Single(l => l.StartsWith("| GZ-SEX-001 ", StringComparison.Ordinal));
        Assert.EndsWith("| +0 | -0 |", sex.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_ReplaysEachPatientsClaimsInDateOrder_SoCrossVisitRulesSeeTheEarlierOnes()
    {
        using var folder = new TempRuleSetFolder();
        // From the rule tests: amlodipine dispensed in another hospital, then levamlodipine ten days later.
        using var cases = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(ShippedRules.Folder, "tests", "duplicate-prescribing.json")));
        var duplicate = cases.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString()!.StartsWith("levamlodipine", StringComparison.Ordinal));
        var earlier = duplicate.GetProperty("history")[0].GetRawText().Replace("STAGE_MID", "STAGE_POST", StringComparison.Ordinal);
        var later = duplicate.GetProperty("request").GetRawText().Replace("STAGE_PRE", "STAGE_POST", StringComparison.Ordinal);
        var claims = Path.Combine(folder.Path, "claims.jsonl");
        // The later claim comes first in the file: the replay orders a patient's claims by service date.
        File.WriteAllText(claims, Compact(later) + "\n" + Compact(earlier) + "\n");

        var run = Cli.Run("rules", "backtest", "--claims", claims, "--rules", ShippedRules.Folder);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var row = run.Stdout.Split('\n').Single(l => l.StartsWith("| GZ-RPT-002 ", StringComparison.Ordinal));
        Assert.Equal("1", row.Split('|', StringSplitOptions.TrimEntries)[3]);

        static string Compact(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString();
    }

    [Fact]
    public void Backtest_InvalidClaimLine_IsCountedAndNamedByLine()
    {
        using var folder = new TempRuleSetFolder();
        var claims = Path.Combine(folder.Path, "claims.jsonl");
        Cli.Run("claims", "generate", "--rules", ShippedRules.Folder, "--out", claims, "--count", "3");
        File.AppendAllText(claims, "{ \"requestId\": \"bad\", \"stage\": \"STAGE_POST\" }\n");

        var run = Cli.Run("rules", "backtest", "--claims", claims, "--rules", ShippedRules.Folder);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("3 claims replayed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of 4 lines were not valid claims", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("claims.jsonl:4: patient is missing", run.Stderr, StringComparison.Ordinal);
    }
}
