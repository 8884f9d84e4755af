using System.Text.Json;
using System.Text.Json.Nodes;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>
/// A rule as a test writes it: the shipped defaults of a well-formed rule, changed only where the test
/// cares. Its message names the service date, which every scope can see.
/// </summary>
internal sealed record TestRule(string Id, string Expression)
{
    public string Category { get; init; } = "TEST";

    public string Scope { get; init; } = "line";

    public string? Table { get; init; }

    public string Severity { get; init; } = "BLOCK";

    public string Certainty { get; init; } = "CERTAIN";

    public string? Mode { get; init; }

    public string? EffectiveFrom { get; init; }

    public string? EffectiveTo { get; init; }

    public string MessageZh { get; init; } = "测试规则{ctx.ServiceDate}";

    public string MessageEn { get; init; } = "test rule {ctx.ServiceDate}";

    public JsonObject ToJson()
    {
        var properties = new JsonObject
        {
            ["category"] = Category,
            ["scope"] = Scope,
            ["severity"] = new JsonObject { ["PRE"] = Severity, ["MID"] = Severity, ["POST"] = Severity },
            ["certainty"] = Certainty,
            ["message"] = new JsonObject { ["zh"] = MessageZh, ["en"] = MessageEn },
        };
        Add(properties, "table", Table);
        Add(properties, "mode", Mode);
        Add(properties, "effectiveFrom", EffectiveFrom);
        Add(properties, "effectiveTo", EffectiveTo);
        return new JsonObject
        {
            ["RuleName"] = Id,
            ["RuleExpressionType"] = "LambdaExpression",
            [nameof(Expression)] = Expression,
            ["Properties"] = properties,
        };

        static void Add(JsonObject properties, string name, string? value)
        {
            if (value is not null)
            {
                properties[name] = value;
            }
        }
    }
}

/// <summary>The shipped rule set plus rules a test adds in a workflow file of its own.</summary>
internal static class TestRuleSet
{
    public const string WorkflowPath = "workflows/zz-test.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A workflow file holding <paramref name="rules"/>; the first rule's object starts on line 4.</summary>
    public static string Workflow(params TestRule[] rules)
    {
        var array = new JsonArray();
        foreach (var rule in rules)
        {
            array.Add(rule.ToJson());
        }

        return new JsonObject { ["WorkflowName"] = "test", ["Rules"] = array }.ToJsonString(Indented);
    }

    /// <summary>The shipped rules with <paramref name="rules"/> added, compiled; fails the test if they do not compile.</summary>
    public static RuleSet Compile(params TestRule[] rules)
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.With(WorkflowPath, Workflow(rules)));
        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        return compilation.RuleSet!;
    }

    /// <summary>The shipped knowledge base with only <paramref name="rules"/>, compiled.</summary>
    public static RuleSet CompileAlone(params TestRule[] rules)
    {
        var source = new RuleSetSource([.. ShippedRules.Source.Files.Where(f => !f.Path.StartsWith(RuleSetSource.WorkflowFolder, StringComparison.Ordinal)),
            new SourceFile(WorkflowPath, Workflow(rules))]);
        var compilation = RuleSetCompiler.Compile(source);
        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        return compilation.RuleSet!;
    }
}
