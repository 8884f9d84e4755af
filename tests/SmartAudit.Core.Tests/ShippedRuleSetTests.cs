using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

public class ShippedRuleSetTests
{
    [Fact]
    public void ShippedRules_Compile_WithEveryFamilyOfTheNationalRuleBase()
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.Source);

        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        var categories = compilation.RuleSet!.Rules.Select(r => r.Category).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "SEX_RESTRICTION", "AGE_RESTRICTION", "HOSPITAL_LEVEL_RESTRICTION", "DEPARTMENT_RESTRICTION", "INDICATION_RESTRICTION",
            "EXCESS_QUANTITY", "DUPLICATE_PRESCRIBING", "CONTRAINDICATION", "DUPLICATE_CHARGE", "EXCLUSIVE_ITEMS", "UNBUNDLING",
            "FREQUENCY_LIMIT", "OVER_STANDARD_PRICE", "BEYOND_STAY", "SPLIT_HOSPITALISATION", "FREQUENT_VISITS",
        }, categories);
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-f]{8}$", compilation.RuleSet.Version);
    }
}
