using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>
/// One compiled, immutable version of the rules and the knowledge base. Built once per version and
/// swapped whole on reload, so a request evaluates against one complete set from start to finish.
/// </summary>
public sealed class RuleSet
{
    private readonly RuleIndex[] _indexes;

    internal RuleSet(RuleSetManifest manifest, string contentHash, KnowledgeBase knowledge, IReadOnlyList<CompiledRule> rules)
    {
        Id = manifest.Id;
        SemanticVersion = manifest.Version;
        ContentHash = contentHash;
        Knowledge = knowledge;
        CompiledRules = rules;
        Rules = [.. rules.Select(r => r.Definition)];
        _indexes = new RuleIndex[3 * 3];
        foreach (var stage in Enum.GetValues<Stage>())
        {
            foreach (var kind in Enum.GetValues<EncounterKind>())
            {
                _indexes[Slot(stage, kind)] = RuleIndex.Build(rules, stage, kind);
            }
        }
    }

    /// <summary>The rule set's id from its manifest, e.g. "national-base".</summary>
    public string Id { get; }

    /// <summary>The auditor's semantic version from the manifest, e.g. "0.1.0".</summary>
    public string SemanticVersion { get; }

    /// <summary>SHA-256 (hex) over every file of the set: two sets with the same hash are the same rules.</summary>
    public string ContentHash { get; }

    /// <summary>What every response reports: semantic version plus the first 8 hex digits of the content hash.</summary>
    public string Version => $"{SemanticVersion}+{ContentHash[..8]}";

    public KnowledgeBase Knowledge { get; }

    public IReadOnlyList<RuleDefinition> Rules { get; }

    internal IReadOnlyList<CompiledRule> CompiledRules { get; }

    internal RuleIndex IndexFor(Stage stage, EncounterKind kind) => _indexes[Slot(stage, kind)];

    /// <summary>True when a rule that applies at <paramref name="stage"/> to <paramref name="kind"/> reads the patient's history.</summary>
    public bool UsesHistory(Stage stage, EncounterKind kind) => _indexes[Slot(stage, kind)].UsesHistory;

    private static int Slot(Stage stage, EncounterKind kind) => ((int)stage - 1) * 3 + (int)kind - 1;
}

/// <summary>The manifest, <c>ruleset.json</c>: which rule set this is and its version.</summary>
internal sealed record RuleSetManifest(string Id, string Version);

/// <summary>A rule with its expression and messages compiled to delegates.</summary>
internal sealed class CompiledRule(RuleDefinition definition, Func<object[], bool> predicate, RuleMessages messages)
{
    public RuleDefinition Definition { get; } = definition;

    public Func<object[], bool> Predicate { get; } = predicate;

    public RuleMessages Messages { get; } = messages;
}

/// <summary>A rule as it applies at one stage: with that stage's severity.</summary>
internal readonly record struct StagedRule(CompiledRule Rule, Severity Severity);

/// <summary>
/// The rules that apply to one stage and encounter kind, indexed by what they look at: line rules by
/// the knowledge-base table that drives them, so a line runs only the rules its item has entries for.
/// </summary>
internal sealed class RuleIndex
{
    private RuleIndex(StagedRule[][] lineRulesByTable, StagedRule[] lineRulesAlways, StagedRule[] pairRules, StagedRule[] encounterRules)
    {
        LineRulesByTable = lineRulesByTable;
        LineRulesAlways = lineRulesAlways;
        PairRules = pairRules;
        EncounterRules = encounterRules;
        UsesHistory = lineRulesByTable.Any(rules => rules.Any(r => r.Rule.Definition.UsesHistory))
            || lineRulesAlways.Concat(pairRules).Concat(encounterRules).Any(r => r.Rule.Definition.UsesHistory);
    }

    /// <summary>True when any of these rules reads the patient's history.</summary>
    public bool UsesHistory { get; }

    /// <summary>Indexed by <see cref="KnowledgeTable.Index"/>.</summary>
    public StagedRule[][] LineRulesByTable { get; }

    /// <summary>Line rules not driven by a table: they run for every line.</summary>
    public StagedRule[] LineRulesAlways { get; }

    public StagedRule[] PairRules { get; }

    public StagedRule[] EncounterRules { get; }

    public static RuleIndex Build(IReadOnlyList<CompiledRule> rules, Stage stage, EncounterKind kind)
    {
        var tableCount = KnowledgeTable.All.Values.Max(t => t.Index) + 1;
        var byTable = Enumerable.Range(0, tableCount).Select(_ => new List<StagedRule>()).ToArray();
        List<StagedRule> always = [], pairs = [], encounter = [];
        foreach (var rule in rules)
        {
            var definition = rule.Definition;
            if (!definition.Severity.TryGetValue(stage, out var severity) || !definition.EncounterKinds.Contains(kind))
            {
                continue;
            }

            var staged = new StagedRule(rule, severity);
            switch (definition.Scope)
            {
                case RuleScope.Line when definition.Table is { } table:
                    byTable[table.Index].Add(staged);
                    break;
                case RuleScope.Line:
                    always.Add(staged);
                    break;
                case RuleScope.Pair:
                    pairs.Add(staged);
                    break;
                default:
                    encounter.Add(staged);
                    break;
            }
        }

        return new RuleIndex([.. byTable.Select(l => l.ToArray())], [.. always], [.. pairs], [.. encounter]);
    }
}
