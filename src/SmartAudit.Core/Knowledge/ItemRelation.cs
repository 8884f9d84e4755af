using System.Collections.Frozen;

namespace SmartAudit.Core.Knowledge;

/// <summary>
/// A relation between two items (or two ingredients) from a pair table: a contraindication
/// (<c>kb/contraindications.csv</c>) or a pair that must not be charged together
/// (<c>kb/exclusive-pairs.csv</c>). Rules read it through <see cref="KbItem.ContraindicationWith"/> and
/// <see cref="KbItem.ExclusiveWith"/>; <see cref="None"/> stands for "not listed", so expressions need no null checks.
/// </summary>
public sealed class ItemRelation
{
    internal static readonly IReadOnlyDictionary<string, ItemRelation> NoneByKey = FrozenDictionary<string, ItemRelation>.Empty;

    /// <summary>Not listed: <see cref="Listed"/> is false.</summary>
    public static ItemRelation None { get; } = new() { Listed = false };

    public bool Listed { get; private init; } = true;

    /// <summary>For exclusive pairs: "exclusive" (互斥, never together) or "bundled" (分解收费: the second is part of the first).</summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>
    /// A modifier that, on either line, documents why the pair is allowed this time (like a "distinct
    /// procedure" modifier); empty when no reason allows it.
    /// </summary>
    public string OverrideModifier { get; init; } = string.Empty;

    /// <summary>Why the pair is a problem, in the catalogue's words.</summary>
    public string NoteZh { get; init; } = string.Empty;

    public string NoteEn { get; init; } = string.Empty;

    /// <summary>True when the pair may be allowed and one of the two lines carries the override modifier.</summary>
    public bool OverriddenBy(Rules.LineFacts first, Rules.LineFacts second) =>
        OverrideModifier.Length > 0 && (first.HasModifier(OverrideModifier) || second.HasModifier(OverrideModifier));
}
