using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

public class ShippedRuleSetTests
{
    [Fact]
    public void ShippedRules_Compile_WithEveryFamilyOfTheFirstSet()
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.Source);

        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        var categories = compilation.RuleSet!.Rules.Select(r => r.Category).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "SEX_RESTRICTION", "AGE_RESTRICTION", "HOSPITAL_LEVEL_RESTRICTION", "EXCESS_QUANTITY", "DUPLICATE_CHARGE", "OVER_STANDARD_PRICE",
        }, categories);
        Assert.Matches(@"^0\.1\.0\+[0-9a-f]{8}$", compilation.RuleSet.Version);
    }
}
