using System.Numerics;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;

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

    /// <summary>Evaluates <paramref name="request"/> for a patient with no earlier history.</summary>
    public static EngineResult Evaluate(RuleSet ruleSet, AuditRequest request) => Evaluate(ruleSet, request, PatientHistory.Empty, null);

    /// <param name="ruleSet">The rule set, one snapshot for the whole request.</param>
    /// <param name="request">A validated request.</param>
    /// <param name="history">The patient's history as the store gave it; ignored when <paramref name="historyUnavailable"/> is set.</param>
    /// <param name="historyUnavailable">
    /// Why the history could not be read (null when it was): rules that ask for it are skipped, not fired,
    /// and the reason is added to the result's degraded reasons once per rule.
    /// </param>
    public static EngineResult Evaluate(RuleSet ruleSet, AuditRequest request, PatientHistory history, string? historyUnavailable)
    {
        var index = ruleSet.IndexFor(request.Stage, request.Encounter.Kind);
        var (ctx, lines) = Facts(ruleSet, request, history, historyUnavailable);

        // One argument array for every expression of the request: [ctx, line or a, b]. A compiled expression
        // reads only the parameters of its own scope, so an encounter rule never sees the line left in it.
        var args = new object[3];
        args[0] = ctx;
        var evaluation = new Evaluation(request.Encounter.HospitalId);
        EvaluateLineRules(index, lines, args, ref evaluation);
        if (index.PairRules.Length > 0 && lines.Length > 1)
        {
            EvaluatePairRules(index, lines, args, ref evaluation);
        }

        foreach (var rule in index.EncounterRules)
        {
            if (rule.Rule.Definition.InForceOn(ctx.ServiceDate))
            {
                evaluation.Run(rule, args, null, null);
            }
        }

        return new EngineResult(evaluation.Findings ?? [], evaluation.Degraded ?? []);
    }

    /// <summary>What expressions see of a request: the request's facts and one <see cref="LineFacts"/> per line.</summary>
    internal static (RequestFacts Context, LineFacts[] Lines) Facts(RuleSet ruleSet, AuditRequest request, PatientHistory? history = null, string? historyUnavailable = null)
    {
        var ctx = new RequestFacts(request, ruleSet.Knowledge, history, historyUnavailable);
        var lines = new LineFacts[request.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = request.Lines[i];
            lines[i] = new LineFacts(line, i, ruleSet.Knowledge.Lookup(line.ItemCode), ctx);
        }

        ctx.Attach(lines);
        return (ctx, lines);
    }

    private static void EvaluateLineRules(RuleIndex index, LineFacts[] lines, object[] args, ref Evaluation evaluation)
    {
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
                    RunLineRules(index.LineRulesByTable[table], line, args, ref evaluation);
                }
            }

            RunLineRules(index.LineRulesAlways, line, args, ref evaluation);
        }
    }

    private static void RunLineRules(StagedRule[] rules, LineFacts line, object[] args, ref Evaluation evaluation)
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
    /// offending line, naming both. The rule's pairing says which pairs are candidates (lines of the same
    /// item, of the same ingredient, or listed together in a pair table); the expression decides. Lines whose
    /// item cannot take part in the pairing are skipped without evaluating anything.
    /// </summary>
    private static void EvaluatePairRules(RuleIndex index, LineFacts[] lines, object[] args, ref Evaluation evaluation)
    {
        Dictionary<string, List<int>>? sameItem = null, sameIngredient = null;
        foreach (var rule in index.PairRules)
        {
            var pairing = rule.Rule.Definition.Pairing;
            // Long requests: lines grouped by item code or ingredient, so a line meets only its own group.
            var groups = lines.Length <= DirectPairScanLimit ? null : pairing switch
            {
                RulePairing.SameItem => sameItem ??= GroupBy(lines, static l => l.ItemCode),
                RulePairing.SameIngredient => sameIngredient ??= GroupBy(lines, static l => l.Item.Ingredient),
                _ => null,
            };

            for (var j = 1; j < lines.Length; j++)
            {
                var b = lines[j];
                if (!CanPair(pairing, b) || !rule.Rule.Definition.InForceOn(b.ServiceDate))
                {
                    continue;
                }

                args[2] = b;
                if (groups is not null)
                {
                    foreach (var i in groups[pairing == RulePairing.SameItem ? b.ItemCode : b.Item.Ingredient])
                    {
                        if (i >= j || (IsCandidate(pairing, lines[i], b) && evaluation.Run(rule, Set(args, lines[i]), lines[i], b)))
                        {
                            break;
                        }
                    }

                    continue;
                }

                for (var i = 0; i < j; i++)
                {
                    var a = lines[i];
                    if (IsCandidate(pairing, a, b) && evaluation.Run(rule, Set(args, a), a, b))
                    {
                        break;
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

    private static bool CanPair(RulePairing pairing, LineFacts line) => pairing switch
    {
        RulePairing.SameIngredient => line.Item.Ingredient.Length > 0,
        RulePairing.Contraindicated => line.Item.HasContraindications,
        RulePairing.Exclusive => line.Item.HasExclusivePartners,
        _ => true,
    };

    private static bool IsCandidate(RulePairing pairing, LineFacts a, LineFacts b) => pairing switch
    {
        RulePairing.SameItem => a.ItemCode == b.ItemCode,
        RulePairing.SameIngredient => a.Item.Ingredient == b.Item.Ingredient && a.ItemCode != b.ItemCode,
        RulePairing.Contraindicated => b.Item.ContraindicationWith(a.Item).Listed,
        RulePairing.Exclusive => b.Item.ExclusiveWith(a.Item).Listed,
        _ => true,
    };

    private static Dictionary<string, List<int>> GroupBy(LineFacts[] lines, Func<LineFacts, string> key)
    {
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var k = key(line);
            if (!groups.TryGetValue(k, out var members))
            {
                groups[k] = members = [];
            }

            members.Add(line.Index);
        }

        return groups;
    }

    /// <summary>Collects the findings and failures of one request; allocates only when something fires.</summary>
    /// <param name="callerHospital">The requesting hospital: findings drawing on other hospitals' records get a copy for it without their details.</param>
    private struct Evaluation(string callerHospital)
    {
        private readonly string _callerHospital = callerHospital;
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
            catch (HistoryUnavailableException ex)
            {
                // A rule that needs the patient's history is skipped while the store cannot answer.
                Skip(rule.Definition.Id, $"rule {rule.Definition.Id} skipped: patient history unavailable ({ex.Message})");
                return false;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A rule that throws is skipped, never fired: failing safe means no block from a broken rule.
                Skip(rule.Definition.Id, $"rule {rule.Definition.Id} could not be evaluated ({ex.GetType().Name})");
                return false;
            }

            if (!fired)
            {
                return false;
            }

            var definition = rule.Definition;
            var (zh, en, callerZh, callerEn) = rule.Messages.Render(args, _callerHospital);
            (Findings ??= []).Add(new Finding(
                definition.Id,
                definition.Category,
                staged.Severity,
                definition.Certainty,
                zh,
                en,
                first is null ? [] : second is null ? [first.LineId] : [first.LineId, second.LineId],
                definition.Mode == RuleMode.Silent,
                callerZh,
                callerEn));
            return true;
        }

        private void Skip(string ruleId, string reason)
        {
            _failedRules ??= new HashSet<string>(StringComparer.Ordinal);
            if (_failedRules.Add(ruleId))
            {
                (Degraded ??= []).Add(reason);
            }
        }
    }
}
