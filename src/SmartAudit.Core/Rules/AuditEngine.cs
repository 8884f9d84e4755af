using System.Numerics;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Core.Rules;

/// <summary>The engine's answer for one request: what fired, and what could not be evaluated.</summary>
public sealed record EngineResult(IReadOnlyList<Finding> Findings, IReadOnlyList<string> DegradedReasons);

/// <summary>
/// Evaluates one request against one rule set. Pure and synchronous: no I/O, no shared mutable state,
/// safe to call from any number of threads with the same <see cref="RuleSet"/>.
///
/// Cost grows with the lines in the request, not with the size of the rule library: each line's item is
/// looked up once in the knowledge base, and only the rules of the tables it has entries in run, plus the
/// few rules that are not table-driven. Pair rules run only on candidate pairs; encounter rules once.
/// </summary>
public static class AuditEngine
{
    /// <summary>Lines up to this count are paired by a direct scan; longer requests are grouped by code.</summary>
    private const int DirectPairScanLimit = 32;

    public static EngineResult Evaluate(RuleSet ruleSet, AuditRequest request)
    {
        var index = ruleSet.IndexFor(request.Stage, request.Encounter.Kind);
        var ctx = new RequestFacts(request);
        var lines = new LineFacts[request.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = request.Lines[i];
            lines[i] = new LineFacts(line, i, ruleSet.Knowledge.Lookup(line.ItemCode), request.Patient.BirthDate);
        }

        var evaluation = new Evaluation();
        EvaluateLineRules(index, ctx, lines, evaluation);
        if (index.PairRules.Length > 0 && lines.Length > 1)
        {
            EvaluatePairRules(index, ctx, lines, evaluation);
        }

        if (index.EncounterRules.Length > 0)
        {
            object[] args = [ctx];
            foreach (var rule in index.EncounterRules)
            {
                if (rule.Rule.Definition.InForceOn(ctx.ServiceDate))
                {
                    evaluation.Run(rule, args, null, null);
                }
            }
        }

        return new EngineResult(evaluation.Findings ?? [], evaluation.Degraded ?? []);
    }

    private static void EvaluateLineRules(RuleIndex index, RequestFacts ctx, LineFacts[] lines, Evaluation evaluation)
    {
        var args = new object[] { ctx, null! };
        foreach (var line in lines)
        {
            args[1] = line;
            var tables = line.Item.Tables;
            while (tables != 0)
            {
                var table = BitOperations.TrailingZeroCount(tables);
                tables &= tables - 1;
                if (table < index.LineRulesByTable.Length)
                {
                    RunLineRules(index.LineRulesByTable[table], line, args, evaluation);
                }
            }

            RunLineRules(index.LineRulesAlways, line, args, evaluation);
        }
    }

    private static void RunLineRules(StagedRule[] rules, LineFacts line, object[] args, Evaluation evaluation)
    {
        foreach (var rule in rules)
        {
            if (rule.Rule.Definition.InForceOn(line.ServiceDate))
            {
                evaluation.Run(rule, args, line, null);
            }
        }
    }

    /// <summary>
    /// For each later line b, the earliest line a before it that the rule matches with b: one finding per
    /// offending line, naming both (a "same-item" rule sees only pairs with equal item codes).
    /// </summary>
    private static void EvaluatePairRules(RuleIndex index, RequestFacts ctx, LineFacts[] lines, Evaluation evaluation)
    {
        var args = new object[] { ctx, null!, null! };
        Dictionary<string, List<int>>? groups = null;
        if (lines.Length > DirectPairScanLimit)
        {
            groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (var line in lines)
            {
                if (!groups.TryGetValue(line.ItemCode, out var members))
                {
                    groups[line.ItemCode] = members = [];
                }

                members.Add(line.Index);
            }
        }

        foreach (var rule in index.PairRules)
        {
            for (var j = 1; j < lines.Length; j++)
            {
                var b = lines[j];
                if (!rule.Rule.Definition.InForceOn(b.ServiceDate))
                {
                    continue;
                }

                args[2] = b;
                if (groups is null)
                {
                    for (var i = 0; i < j; i++)
                    {
                        if (lines[i].ItemCode == b.ItemCode && evaluation.Run(rule, Set(args, lines[i]), lines[i], b))
                        {
                            break;
                        }
                    }
                }
                else
                {
                    foreach (var i in groups[b.ItemCode])
                    {
                        if (i >= j || evaluation.Run(rule, Set(args, lines[i]), lines[i], b))
                        {
                            break;
                        }
                    }
                }
            }
        }

        static object[] Set(object[] args, LineFacts a)
        {
            args[1] = a;
            return args;
        }
    }

    /// <summary>Collects the findings and failures of one request; allocates only when something fires.</summary>
    private sealed class Evaluation
    {
        private HashSet<string>? _failedRules;

        public List<Finding>? Findings { get; private set; }

        public List<string>? Degraded { get; private set; }

        public bool Run(StagedRule staged, object[] args, LineFacts? first, LineFacts? second)
        {
            var rule = staged.Rule;
            bool fired;
            try
            {
                fired = rule.Predicate(args);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A rule that throws is skipped, never fired: failing safe means no block from a broken rule.
                _failedRules ??= new HashSet<string>(StringComparer.Ordinal);
                if (_failedRules.Add(rule.Definition.Id))
                {
                    (Degraded ??= []).Add($"rule {rule.Definition.Id} could not be evaluated ({ex.GetType().Name})");
                }

                return false;
            }

            if (!fired)
            {
                return false;
            }

            var definition = rule.Definition;
            (Findings ??= []).Add(new Finding(
                definition.Id,
                definition.Category,
                staged.Severity,
                definition.Certainty,
                rule.MessageZh.Render(args),
                rule.MessageEn.Render(args),
                first is null ? [] : second is null ? [first.LineId] : [first.LineId, second.LineId],
                definition.Mode == RuleMode.Silent));
            return true;
        }
    }
}
