using RulesEngine.Models;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;

namespace SmartAudit.Testing;

/// <summary>
/// The same rules run the way Microsoft RulesEngine's documentation shows: one workflow per stage and
/// scope, <c>ExecuteAllRulesAsync</c> over every rule for every line (and every pair of lines), with no
/// index. It is the yardstick SmartAudit's indexed engine is measured against and must agree with.
/// Stage, encounter kind and effective dates are applied to the results the way the engine applies them.
/// </summary>
public sealed class PlainRulesEngineBaseline
{
    private readonly RulesEngine.RulesEngine _engine;
    private readonly HashSet<string> _workflows;
    private readonly Dictionary<string, RuleDefinition> _rules;
    private readonly RuleSet _ruleSet;

    public PlainRulesEngineBaseline(RuleSet ruleSet)
    {
        _ruleSet = ruleSet;
        _rules = ruleSet.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var workflows = new List<Workflow>();
        foreach (var stage in Enum.GetValues<Stage>())
        {
            foreach (var scope in Enum.GetValues<RuleScope>())
            {
                var rules = ruleSet.Rules.Where(r => r.Scope == scope && r.Severity.ContainsKey(stage)).Select(r => new Rule
                {
                    RuleName = r.Id,
                    Expression = r.Expression,
                    RuleExpressionType = RuleExpressionType.LambdaExpression,
                }).ToList();
                if (rules.Count > 0)
                {
                    workflows.Add(new Workflow { WorkflowName = WorkflowName(stage, scope), Rules = rules });
                }
            }
        }

        _workflows = [.. workflows.Select(w => w.WorkflowName)];
        _engine = new RulesEngine.RulesEngine([.. workflows], RuleSetCompiler.CreateSettings());
    }

    /// <summary>What fired, as (rule, lines, severity, silent), in no particular order.</summary>
    public async Task<List<FindingKey>> EvaluateAsync(AuditRequest request, Core.History.PatientHistory? history = null)
    {
        var found = new List<FindingKey>();
        var (ctx, lines) = AuditEngine.Facts(_ruleSet, request, history);
        var context = new RuleParameter(RuleSetCompiler.ContextName, ctx);

        if (_workflows.Contains(WorkflowName(request.Stage, RuleScope.Line)))
        {
            foreach (var line in lines)
            {
                var results = await _engine.ExecuteAllRulesAsync(WorkflowName(request.Stage, RuleScope.Line), context, new RuleParameter(RuleSetCompiler.LineName, line));
                AddFired(results, request, line.ServiceDate, [line.LineId], found);
            }
        }

        if (_workflows.Contains(WorkflowName(request.Stage, RuleScope.Pair)))
        {
            // Same selection as the engine: for each later line b, the first earlier line a that matches.
            var taken = new HashSet<(string Rule, int B)>();
            for (var j = 1; j < lines.Length; j++)
            {
                for (var i = 0; i < j; i++)
                {
                    var results = await _engine.ExecuteAllRulesAsync(WorkflowName(request.Stage, RuleScope.Pair), context,
                        new RuleParameter(RuleSetCompiler.FirstName, lines[i]), new RuleParameter(RuleSetCompiler.SecondName, lines[j]));
                    var fired = results.Where(r => r.IsSuccess && taken.Add((r.Rule.RuleName, j))).ToList();
                    AddFired(fired, request, lines[j].ServiceDate, [lines[i].LineId, lines[j].LineId], found);
                }
            }
        }

        if (_workflows.Contains(WorkflowName(request.Stage, RuleScope.Encounter)))
        {
            var results = await _engine.ExecuteAllRulesAsync(WorkflowName(request.Stage, RuleScope.Encounter), context);
            AddFired(results, request, ctx.ServiceDate, [], found);
        }

        return found;
    }

    private void AddFired(IEnumerable<RuleResultTree> results, AuditRequest request, DateOnly date, string[] lineIds, List<FindingKey> found)
    {
        foreach (var result in results)
        {
            var rule = _rules[result.Rule.RuleName];
            if (result.IsSuccess && rule.EncounterKinds.Contains(request.Encounter.Kind) && rule.InForceOn(date))
            {
                found.Add(new FindingKey(rule.Id, string.Join(",", lineIds), rule.Severity[request.Stage], rule.Mode == RuleMode.Silent));
            }
        }
    }

    private static string WorkflowName(Stage stage, RuleScope scope) => $"{stage}:{scope}";
}

/// <summary>A finding reduced to what both engines must agree on.</summary>
public readonly record struct FindingKey(string RuleId, string LineIds, Severity Severity, bool Silent)
{
    /// <summary>A stable order for comparing lists of findings.</summary>
    public static IEnumerable<FindingKey> Sorted(IEnumerable<FindingKey> keys) => keys.OrderBy(k => k.ToString(), StringComparer.Ordinal);

    public static FindingKey Of(Finding finding) => new(finding.RuleId, string.Join(",", finding.LineIds), finding.Severity, finding.Silent);
}
