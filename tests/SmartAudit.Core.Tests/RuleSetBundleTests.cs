using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

public class RuleSetBundleTests
{
    private static readonly DateTimeOffset PackedAt = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PackedBundle_OpenedAgain_CompilesToTheSameVersionAndRules()
    {
        var source = ShippedRules.Source;
        var bundle = RuleSetBundle.Pack(source, ShippedRules.RuleSet, "auditor-1", PackedAt);

        var opened = RuleSetBundle.FromBytes(bundle.ToBytes());
        var compiled = RuleSetCompiler.Compile(opened.ToSource()).RuleSet!;

        Assert.Equal((ShippedRules.RuleSet.Id, ShippedRules.RuleSet.SemanticVersion, "auditor-1", PackedAt), (opened.Id, opened.Version, opened.Author, opened.CreatedAt));
        Assert.Equal(ShippedRules.RuleSet.Version, compiled.Version);
        Assert.Equal(compiled.Version, opened.DisplayVersion);
        Assert.Equal(ShippedRules.RuleSet.Rules.Select(r => r.Id), compiled.Rules.Select(r => r.Id));
    }

    [Fact]
    public void Bundle_WithAFileEditedAfterPacking_IsRefused()
    {
        var bundle = RuleSetBundle.Pack(ShippedRules.Source, ShippedRules.RuleSet, "auditor-1", PackedAt);
        var edited = bundle with
        {
            Files = [.. bundle.Files.Select(f => f.Path == "kb/dose.csv" ? f with { Content = f.Content.Replace(",80,", ",800,", StringComparison.Ordinal) } : f)],
        };

        var error = Assert.Throws<InvalidRuleSetBundleException>(() => RuleSetBundle.FromBytes(edited.ToBytes()));

        Assert.Contains("damaged or was edited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_ThatAreNotABundle_AreRefusedWithAClearError()
    {
        var error = Assert.Throws<InvalidRuleSetBundleException>(() => RuleSetBundle.FromBytes("hello"u8));

        Assert.Contains("not a rule-set bundle", error.Message, StringComparison.Ordinal);
    }
}
