using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>What a rule's expression is evaluated over.</summary>
public enum RuleScope
{
    /// <summary>Once per order line, with <c>ctx</c> and <c>line</c>.</summary>
    Line,
    /// <summary>Once per pair of lines (earlier <c>a</c>, later <c>b</c>), with <c>ctx</c>, <c>a</c> and <c>b</c>.</summary>
    Pair,
    /// <summary>Once per request, with <c>ctx</c>.</summary>
    Encounter,
}

/// <summary>Which pairs of lines a pair rule is evaluated on (the expression still decides).</summary>
public enum RulePairing
{
    /// <summary>"same-item": lines with the same item code (duplicate charges).</summary>
    SameItem,
    /// <summary>"same-ingredient": lines of different items with the same ingredient (duplicate prescribing).</summary>
    SameIngredient,
    /// <summary>"contraindicated": lines whose ingredients are listed together in kb/contraindications.csv.</summary>
    Contraindicated,
    /// <summary>"exclusive": lines whose items are listed together in kb/exclusive-pairs.csv.</summary>
    Exclusive,
}

/// <summary>Whether a rule's findings count.</summary>
public enum RuleMode
{
    /// <summary>Findings are returned and decide the action.</summary>
    Active,
    /// <summary>On trial: findings are logged with the decision, never returned, never change the action.</summary>
    Silent,
}

/// <summary>
/// A rule as an auditor wrote it: a RulesEngine rule whose <c>Properties</c> carry SmartAudit's
/// metadata. See rules/README.md for the format.
/// </summary>
public sealed record RuleDefinition
{
    public required string Id { get; init; }

    public required string Workflow { get; init; }

    public required string File { get; init; }

    /// <summary>Line in <see cref="File"/> where the rule's object starts.</summary>
    public required int Line { get; init; }

    public required string Expression { get; init; }

    public required string Category { get; init; }

    public RuleScope Scope { get; init; } = RuleScope.Line;

    /// <summary>The knowledge-base table that drives the rule: it runs only for items with a row there.</summary>
    public KnowledgeTable? Table { get; init; }

    /// <summary>For pair rules: which pairs are candidates.</summary>
    public RulePairing Pairing { get; init; }

    /// <summary>The stages the rule applies to, with its severity at each.</summary>
    public required IReadOnlyDictionary<Stage, Severity> Severity { get; init; }

    public required Certainty Certainty { get; init; }

    /// <summary>Encounter kinds the rule applies to.</summary>
    public required IReadOnlySet<EncounterKind> EncounterKinds { get; init; }

    public RuleMode Mode { get; init; } = RuleMode.Active;

    /// <summary>First service date the rule is in force (inclusive); null for always.</summary>
    public DateOnly? EffectiveFrom { get; init; }

    /// <summary>Last service date the rule is in force (inclusive); null for no end.</summary>
    public DateOnly? EffectiveTo { get; init; }

    public required string MessageZh { get; init; }

    public required string MessageEn { get; init; }

    /// <summary>
    /// True when the rule reads the patient's history (<c>ctx.History</c>) in its expression or messages: the
    /// auditor reads the history store only for requests that such a rule applies to.
    /// </summary>
    public bool UsesHistory =>
        Expression.Contains("History", StringComparison.Ordinal) || MessageZh.Contains("History", StringComparison.Ordinal)
        || MessageEn.Contains("History", StringComparison.Ordinal);

    public bool InForceOn(DateOnly date) =>
        (EffectiveFrom is not { } from || date >= from) && (EffectiveTo is not { } to || date <= to);
}
