using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

public class RulesDiffTests
{
    [Fact]
    public void ChangedRuleAndTableRows_AreEachListedWithWhatChanged()
    {
        using var changed = new TempRuleSetFolder();
        changed.Replace("workflows/sex.json", "\"POST\": \"WARN\"", "\"POST\": \"BLOCK\"");
        changed.Replace("kb/dose.csv", "XC10AAA200A001,80,mg,30,84", "XC10AAA200A001,40,mg,30,84");
        changed.Replace("kb/level.csv", "XJ02ACV050A001,2\n", "");

        var run = Cli.Run("rules", "diff", ShippedRules.Folder, changed.Path);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("~ rule GZ-SEX-001: severity: PRE=BLOCK,MID=BLOCK,POST=WARN → PRE=BLOCK,MID=BLOCK,POST=BLOCK", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ dose.csv XC10AAA200A001: max_daily_dose=80, dose_unit=mg, max_days_of_supply=30, max_days_chronic=84 → max_daily_dose=40, dose_unit=mg, max_days_of_supply=30, max_days_chronic=84", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("- level.csv XJ02ACV050A001: min_hospital_level=2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 rule and 2 table rows differ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AddedRule_IsListed()
    {
        using var changed = new TempRuleSetFolder();
        changed.Replace("workflows/age.json", "\"RuleName\": \"GZ-AGE-002\"", "\"RuleName\": \"GZ-AGE-009\"");

        var run = Cli.Run("rules", "diff", ShippedRules.Folder, changed.Path);

        Assert.Contains("+ rule GZ-AGE-009: AGE_RESTRICTION:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("- rule GZ-AGE-002: AGE_RESTRICTION:", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SameRules_NoDifferences()
    {
        var run = Cli.Run("rules", "diff", ShippedRules.Folder, ShippedRules.Folder);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("no differences", run.Stdout, StringComparison.Ordinal);
    }
}
