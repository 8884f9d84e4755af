using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>
/// RuleSetCompiler on broken sources: every problem refuses the whole set and is located by file, rule
/// and line, the way an auditor needs it to find and fix the rule.
/// </summary>
public class RuleCompilerTests
{
    private const string TestFile = TestRuleSet.WorkflowPath;

    /// <summary>Line on which the second rule of <see cref="WithSecondRule"/> starts.</summary>
    private const int SecondRuleLine = 14;

    private const string GoodProperties = """
                "category": "TEST",
                "severity": { "PRE": "REMIND" },
                "certainty": "SUSPECTED",
                "message": { "zh": "数量{line.Quantity}", "en": "quantity {line.Quantity}" }
        """;

    private static readonly Dictionary<string, BrokenSource> Scenarios = new()
    {
        ["expression does not compile"] = new(
            WithSecondRule(expression: "line.Quantity >"), TestFile, "T-BAD-001", SecondRuleLine, "expression does not compile"),
        ["expression is not a condition"] = new(
            WithSecondRule(expression: "line.Quantity + 1"), TestFile, "T-BAD-001", SecondRuleLine, "expression does not compile"),
        ["expression names an unknown helper"] = new(
            WithSecondRule(expression: """ctx.HasDiagnoses(\"E11\")"""), TestFile, "T-BAD-001", SecondRuleLine, "HasDiagnoses"),
        ["expression names an unknown fact"] = new(
            WithSecondRule(expression: "line.Itemm.SexOnly != null"), TestFile, "T-BAD-001", SecondRuleLine, "Itemm"),
        ["unknown table"] = new(
            WithSecondRule(properties: "\"table\": \"allergy\",\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "unknown table 'allergy'"),
        ["duplicate rule id across files"] = new(
            WithSecondRule(name: "GZ-SEX-001"), TestFile, "GZ-SEX-001", SecondRuleLine, "duplicate rule id: already defined at workflows/sex.json:4"),
        ["duplicate rule id in one file"] = new(
            WithSecondRule(name: "T-GOOD-001"), TestFile, "T-GOOD-001", SecondRuleLine, $"duplicate rule id: already defined at {TestFile}:4"),
        ["effectiveTo before effectiveFrom"] = new(
            WithSecondRule(properties: "\"effectiveFrom\": \"2026-01-01\", \"effectiveTo\": \"2025-12-31\",\n" + GoodProperties),
            TestFile, "T-BAD-001", SecondRuleLine, "effectiveTo 2025-12-31 is before effectiveFrom 2026-01-01"),
        ["effective date not a date"] = new(
            WithSecondRule(properties: "\"effectiveFrom\": \"2026-13-01\",\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "effectiveFrom '2026-13-01' is not a date"),
        ["message missing"] = new(
            WithSecondRule(properties: """ "category": "TEST", "severity": { "PRE": "REMIND" }, "certainty": "SUSPECTED" """),
            TestFile, "T-BAD-001", SecondRuleLine, "message needs both zh and en texts"),
        ["message without en"] = new(
            WithSecondRule(properties: """ "category": "TEST", "severity": { "PRE": "REMIND" }, "certainty": "SUSPECTED", "message": { "zh": "数量" } """),
            TestFile, "T-BAD-001", SecondRuleLine, "message needs both zh and en texts"),
        ["message hole does not compile"] = new(
            WithSecondRule(properties: GoodProperties.Replace("{line.Quantity}\"", "{line.Quantiy}\"", StringComparison.Ordinal)),
            TestFile, "T-BAD-001", SecondRuleLine, "message zh: '{line.Quantiy}' does not compile"),
        ["unknown property key"] = new(
            WithSecondRule(properties: "\"owner\": \"audit team\",\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "unknown property 'owner'"),
        ["unknown rule key"] = new(
            WithSecondRule(name: "T-BAD-001\", \"Priority\": \"high"), TestFile, "T-BAD-001", SecondRuleLine, "unknown key 'Priority'"),
        ["severity not a level"] = new(
            WithSecondRule(properties: GoodProperties.Replace("\"REMIND\"", "\"STOP\"", StringComparison.Ordinal)),
            TestFile, "T-BAD-001", SecondRuleLine, "severity for PRE: 'STOP' is not REMIND, WARN or BLOCK"),
        ["rule file not valid JSON"] = new(
            ShippedRules.With(TestFile, """
                {
                  "WorkflowName": "test",
                  "Rules": [
                    {
                      "RuleName": "T-BAD-001"
                      "Expression": "line.Quantity > 1"
                    }
                  ]
                }
                """),
            TestFile, null, 6, "not valid JSON"),
        ["rule file not a workflow"] = new(ShippedRules.With(TestFile, "[]"), TestFile, null, 1, "WorkflowName and a Rules array"),
        ["table CSV missing a column"] = new(
            ShippedRules.With("kb/dose.csv", "item_code,max_daily_dose,max_days_of_supply\nXC10AAA200A001,80,30\n"),
            "kb/dose.csv", null, 1, "missing column dose_unit"),
        ["table row with an item not in the catalogue"] = new(
            ShippedRules.With("kb/sex.csv", "item_code,sex\nXG03DAH045A001,F\nXNOTINCATALOGUE,F\n"),
            "kb/sex.csv", null, 3, "item_code 'XNOTINCATALOGUE' is not in the catalogue"),
        ["table row with a bad value"] = new(
            ShippedRules.With("kb/level.csv", "item_code,min_hospital_level\n\nXL01XCR141A001,4\n"),
            "kb/level.csv", null, 3, "column min_hospital_level: must be 1, 2 or 3"),
        ["table row twice"] = new(
            ShippedRules.With("kb/sex.csv", "item_code,sex\nXG03DAH045A001,F\nXG02CBM123A001,F\nXG03DAH045A001,F\n"),
            "kb/sex.csv", null, 4, "item_code 'XG03DAH045A001' appears twice"),
        ["unknown table file"] = new(
            ShippedRules.With("kb/allergy.csv", "item_code,allergen\nXJ01CAA040A001,penicillin\n"), "kb/allergy.csv", null, null, "unknown table 'allergy'"),
        ["manifest without a semantic version"] = new(
            ShippedRules.With("ruleset.json", """{ "id": "national-base", "version": "1.0" }"""), "ruleset.json", null, 1, "semantic \"version\""),
        ["manifest missing"] = new(ShippedRules.Without("ruleset.json"), "ruleset.json", null, null, "the manifest is missing"),

        // Regressions: values of the wrong JSON kind were taken as absent (or threw) instead of being reported.
        ["table given as a number"] = new(
            WithSecondRule(properties: "\"table\": 5,\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "table must be a string"),
        ["mode given as a boolean"] = new(
            WithSecondRule(properties: "\"mode\": true,\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "mode must be a string"),
        ["scope given as a number"] = new(
            WithSecondRule(properties: "\"scope\": 1,\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "scope must be a string"),
        ["encounter kind given as a number"] = new(
            WithSecondRule(properties: "\"encounterKinds\": [1],\n" + GoodProperties), TestFile, "T-BAD-001", SecondRuleLine, "encounterKinds: 1 is not OUTPATIENT"),
        ["Enabled given as a string"] = new(
            WithSecondRule(name: "T-BAD-001\", \"Enabled\": \"false"), TestFile, "T-BAD-001", SecondRuleLine, "Enabled must be true or false"),
        ["RuleExpressionType given as a number"] = new(
            WithSecondRule(name: "T-BAD-001\", \"RuleExpressionType\": 1, \"Description\": \"x"), TestFile, "T-BAD-001", SecondRuleLine, "RuleExpressionType must be a string"),
        ["manifest with a syntax error"] = new(
            ShippedRules.With("ruleset.json", "{\n  \"id\": \"national-base\"\n  \"version\": \"1.0.0\"\n}"), "ruleset.json", null, 3, "not valid JSON"),
        ["table CSV missing a column below blank lines"] = new(
            ShippedRules.With("kb/dose.csv", "\n\nitem_code,max_daily_dose,max_days_of_supply\nXC10AAA200A001,80,30\n"),
            "kb/dose.csv", null, 3, "missing column dose_unit"),
    };

    public static TheoryData<string> ScenarioNames => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Compile_BrokenSource_FailsWithOneLocatedProblem(string scenario)
    {
        var broken = Scenarios[scenario];

        var compilation = RuleSetCompiler.Compile(broken.Source);

        Assert.False(compilation.Succeeded);
        Assert.Null(compilation.RuleSet);
        var problem = Assert.Single(compilation.Problems);
        Assert.Equal(broken.File, problem.File);
        Assert.Equal(broken.Rule, problem.Rule);
        Assert.Equal(broken.Line, problem.Line);
        Assert.Contains(broken.Message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_RulesArrayWithANonObjectEntry_LocatesEveryRuleAtItsOwnLine()
    {
        var source = ShippedRules.With(TestFile, """
            {
              "WorkflowName": "test",
              "Rules": [
                "oops",
                { "RuleName": "T-1", "Expression": "line.Quantity > 1", "Properties": { "category": "TEST", "severity": { "PRE": "REMIND" }, "certainty": "SUSPECTED", "message": { "zh": "x", "en": "x" } } },
                { "RuleName": "T-2", "Expression": "line.Quantity >", "Properties": { "category": "TEST", "severity": { "PRE": "REMIND" }, "certainty": "SUSPECTED", "message": { "zh": "x", "en": "x" } } }
              ]
            }
            """);

        var compilation = RuleSetCompiler.Compile(source);

        Assert.Equal([(null, 4), ("T-2", 6)], compilation.Problems.Select(p => (p.Rule, p.Line)));
    }

    [Fact]
    public void Compile_FilesWithAByteOrderMark_AreRead()
    {
        var source = new RuleSetSource([.. ShippedRules.Source.Files.Select(f => f.Path.EndsWith(".json", StringComparison.Ordinal) ? f with { Content = "\uFEFF" + f.Content } : f)]);

        var compilation = RuleSetCompiler.Compile(source);

        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
    }

    [Fact]
    public void Compile_ManifestNotJson_FailsNamingTheManifest()
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.With("ruleset.json", "{ \"id\": "));

        Assert.False(compilation.Succeeded);
        var problem = Assert.Single(compilation.Problems);
        Assert.Equal("ruleset.json", problem.File);
        Assert.Contains("not valid JSON", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ProblemsInSeveralFiles_ReportsThemAllInOneRun()
    {
        var source = new RuleSetSource([
            .. WithSecondRule(expression: "line.Quantity >").Files.Where(f => f.Path != "kb/dose.csv"),
            new SourceFile("kb/dose.csv", "item_code,max_daily_dose\n"),
        ]);

        var compilation = RuleSetCompiler.Compile(source);

        Assert.False(compilation.Succeeded);
        Assert.Equal(["kb/dose.csv", TestFile], compilation.Problems.Select(p => p.File).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compile_RuleWithSeveralProblems_ReportsEachAtTheRulesLine()
    {
        var compilation = RuleSetCompiler.Compile(WithSecondRule(properties: """ "category": "TEST", "scope": "everywhere", "certainty": "MAYBE" """));

        Assert.False(compilation.Succeeded);
        Assert.Equal(4, compilation.Problems.Count); // scope, severity, certainty, message
        Assert.All(compilation.Problems, p => Assert.Equal((TestFile, "T-BAD-001", SecondRuleLine), (p.File, p.Rule, p.Line)));
    }

    [Fact]
    public void Compile_DisabledRuleWithABrokenExpression_IsNotLoaded()
    {
        var source = WithSecondRule(name: "T-OFF-001\", \"Enabled\": false, \"Description\": \"off", expression: "line.Quantity >");

        var compilation = RuleSetCompiler.Compile(source);

        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        Assert.DoesNotContain(compilation.RuleSet!.Rules, r => r.Id == "T-OFF-001");
        var good = Assert.Single(compilation.RuleSet.Rules, r => r.Id == "T-GOOD-001");
        Assert.Equal((TestFile, 4), (good.File, good.Line));
    }

    [Fact]
    public void Compile_GoodSecondRule_IsLoadedWithItsLine()
    {
        var compilation = RuleSetCompiler.Compile(WithSecondRule());

        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        var rule = Assert.Single(compilation.RuleSet!.Rules, r => r.Id == "T-BAD-001");
        Assert.Equal((TestFile, SecondRuleLine, "test"), (rule.File, rule.Line, rule.Workflow));
    }

    [Fact]
    public void Compile_ShippedRules_LoadsTheKnowledgeBase()
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.Source);

        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        var knowledge = compilation.RuleSet!.Knowledge;
        Assert.Equal(Rows("kb/items."), knowledge.ItemCount);
        Assert.True(knowledge.ItemCount >= 50_000, "the shipped catalogue holds the generated national-style items");
        Assert.Equal(Rows("kb/sex."), knowledge.TableRowCounts["sex"]);
        Assert.False(knowledge.Lookup("NOT-IN-CATALOGUE").IsKnown);
        Assert.Equal("黄体酮注射液", knowledge.Lookup("XG03DAH045A001").Name);
    }

    /// <summary>Data rows over every file of a table (hand-written and generated).</summary>
    private static int Rows(string prefix) => ShippedRules.Source.Files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(f => f.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);

    [Fact]
    public void Compile_OneFileChanged_ChangesTheContentHash()
    {
        var original = RuleSetCompiler.Compile(ShippedRules.Source).RuleSet!;
        var again = RuleSetCompiler.Compile(ShippedRules.Source).RuleSet!;
        var changed = RuleSetCompiler.Compile(ShippedRules.With("kb/sex.csv", "item_code,sex\nXG03DAH045A001,F\n")).RuleSet!;

        Assert.Equal(original.ContentHash, again.ContentHash);
        Assert.NotEqual(original.ContentHash, changed.ContentHash);
        Assert.Equal(original.SemanticVersion, changed.SemanticVersion);
    }

    [Theory]
    [InlineData("workflows/sex.json", "GZ-SEX-001", 4, "workflows/sex.json:4: GZ-SEX-001: bad")]
    [InlineData("kb/sex.csv", null, 3, "kb/sex.csv:3: bad")]
    [InlineData("ruleset.json", null, null, "ruleset.json: bad")]
    public void RuleSetProblem_ToString_IsFileLineRuleMessage(string file, string? rule, int? line, string expected)
    {
        Assert.Equal(expected, new RuleSetProblem(file, rule, line, "bad").ToString());
    }

    /// <summary>
    /// The shipped rules plus a test workflow of two rules: a good one on line 4, and the one a scenario
    /// breaks on line <see cref="SecondRuleLine"/>. <paramref name="expression"/> is JSON-escaped text.
    /// </summary>
    private static RuleSetSource WithSecondRule(string name = "T-BAD-001", string expression = "line.Quantity > 1", string properties = GoodProperties) =>
        ShippedRules.With(TestFile, $$"""
            {
              "WorkflowName": "test",
              "Rules": [
                {
                  "RuleName": "T-GOOD-001",
                  "Expression": "line.Quantity > 1000",
                  "Properties": {
                    "category": "TEST",
                    "severity": { "PRE": "REMIND" },
                    "certainty": "SUSPECTED",
                    "message": { "zh": "数量过大", "en": "quantity too large" }
                  }
                },
                {
                  "RuleName": "{{name}}",
                  "Expression": "{{expression}}",
                  "Properties": {
            {{properties}}
                  }
                }
              ]
            }
            """);

    public sealed record BrokenSource(RuleSetSource Source, string File, string? Rule, int? Line, string Message);
}
