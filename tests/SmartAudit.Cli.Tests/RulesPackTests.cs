using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

public class RulesPackTests
{
    [Fact]
    public void ShippedRules_PackIntoABundleWithTheirVersionAndAuthor()
    {
        var output = Path.Combine(Path.GetTempPath(), $"smartaudit-pack-{Guid.NewGuid():N}.ruleset.json.gz");
        try
        {
            var run = Cli.Run("rules", "pack", ShippedRules.Folder, "--out", output, "--author", "auditor-7");

            Assert.Equal(ExitCodes.Success, run.ExitCode);
            Assert.Contains($"packed national-base {ShippedRules.RuleSet.Version}", run.Stdout, StringComparison.Ordinal);
            var bundle = RuleSetBundle.FromBytes(File.ReadAllBytes(output));
            Assert.Equal(("auditor-7", ShippedRules.RuleSet.ContentHash), (bundle.Author, bundle.ContentHash));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void BrokenRules_AreNotPacked()
    {
        using var folder = new TempRuleSetFolder();
        folder.Replace("workflows/sex.json", "line.Item.SexOnly != null", "line.Item.SexOnly !=");
        var output = Path.Combine(folder.Path, "out.ruleset.json.gz");

        var run = Cli.Run("rules", "pack", folder.Path, "--out", output);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("GZ-SEX-001: expression does not compile", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
