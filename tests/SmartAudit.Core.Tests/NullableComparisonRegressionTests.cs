using RulesEngine.ExpressionBuilders;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>
/// Regression for RulesEngine issues #558 and #583: compiled with FastExpressionCompiler, a comparison
/// with a null nullable (<c>null &lt; 20</c>, <c>null / null &lt; 0.2</c>) came out true. Knowledge-base
/// restrictions are nullable, so a wrong answer here is a false block for every item without the limit.
/// These run with <see cref="RuleSetCompiler.CreateSettings"/>, the settings every rule is compiled with.
/// </summary>
public class NullableComparisonRegressionTests
{
    [Fact]
    public void RulesEngineIssue558And583_CompilerSettings_DoNotUseFastExpressionCompiler()
    {
        Assert.False(RuleSetCompiler.CreateSettings().UseFastExpressionCompiler);
    }

    [Theory]
    [InlineData("line.Item.MaxDailyDose != null && line.DailyDose > line.Item.MaxDailyDose", null, 81.0, false)]
    [InlineData("line.Item.MaxDailyDose != null && line.DailyDose > line.Item.MaxDailyDose", 80.0, 80.0, false)]
    [InlineData("line.Item.MaxDailyDose != null && line.DailyDose > line.Item.MaxDailyDose", 80.0, 81.0, true)]
    [InlineData("line.DailyDose > line.Item.MaxDailyDose", null, 81.0, false)]
    [InlineData("line.Item.MaxDailyDose < 20", null, 0.0, false)]
    [InlineData("line.Item.MaxDailyDose / line.Item.MaxDailyDose < 0.2", null, 0.0, false)]
    [InlineData("line.Item.MaxDailyDose == null", null, 0.0, true)]
    public void RulesEngineIssue558And583_NullableDoseComparison_MatchesCSharp(string expression, double? maxDailyDose, double dailyDose, bool expected)
    {
        var item = new KbItem { Code = "X", Name = "x", MaxDailyDose = maxDailyDose };

        var actual = Evaluate(expression, item, ageYears: 40, Orders.Line("X", dailyDose: dailyDose));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("line.Item.MinAgeYears > ctx.AgeYears", null, 10, false)]
    [InlineData("line.Item.MinAgeYears > ctx.AgeYears", 18, 10, true)]
    [InlineData("line.Item.MinAgeYears > ctx.AgeYears", 18, 18, false)]
    [InlineData("line.Item.MinAgeYears <= ctx.AgeYears", null, 10, false)]
    [InlineData("ctx.AgeYears < line.Item.MinAgeYears", null, 10, false)]
    [InlineData("line.Item.MinAgeYears != ctx.AgeYears", null, 10, true)]
    [InlineData("line.Item.MinAgeYears == ctx.AgeYears", null, 10, false)]
    public void RulesEngineIssue558And583_NullableAgeComparison_MatchesCSharp(string expression, int? minAgeYears, int ageYears, bool expected)
    {
        var item = new KbItem { Code = "X", Name = "x", MinAgeYears = minAgeYears };

        var actual = Evaluate(expression, item, ageYears, Orders.Line("X"));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RulesEngineIssue558And583_UnguardedRuleInARuleSet_SilentForItemWithoutTheLimit()
    {
        // 小儿氨酚黄那敏颗粒 has an age row with a maximum and no minimum.
        var ruleSet = TestRuleSet.Compile(new TestRule("T-AGE-001", "line.Item.MinAgeYears > ctx.AgeYears") { Table = "age" });
        var child = Orders.Patient(ageYears: 5);

        var withoutMinimum = AuditEngine.Evaluate(ruleSet, Orders.Request(Stage.Pre, child, null, Orders.Line("XR05CBA077A001")));
        var withMinimum = AuditEngine.Evaluate(ruleSet, Orders.Request(Stage.Pre, child, null, Orders.Line("XJ01MAL101A001")));

        Assert.Empty(withoutMinimum.Findings);
        Assert.Contains(withMinimum.Findings, f => f.RuleId == "T-AGE-001");
    }

    private static bool Evaluate(string expression, KbItem item, int ageYears, OrderLine line)
    {
        var predicate = new RuleExpressionParser(RuleSetCompiler.CreateSettings()).Compile<bool>(expression, RuleSetCompiler.ParametersFor(RuleScope.Line));
        var request = Orders.Request(Stage.Pre, Orders.Patient(ageYears: ageYears), null, line);
        var ctx = new RequestFacts(request);
        return predicate([ctx, new LineFacts(line, 0, item, ctx)]);
    }
}
