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
    public void Backtest_TighterDoseLimit_ShowsTheClaimsItAddsAgainstTheBaseline()
    {
        using var changed = new TempRuleSetFolder();
        changed.Replace("kb/dose.csv", "XC10AAA200A001,80,mg,30", "XC10AAA200A001,30,mg,30");
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
