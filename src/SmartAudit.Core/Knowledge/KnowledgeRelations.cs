using System.Collections.Frozen;
using SmartAudit.Core.Rules;

namespace SmartAudit.Core.Knowledge;

/// <summary>
/// The knowledge-base tables that are not keyed by one item: pairs of ingredients that must not be combined
/// (<c>contraindications</c>), pairs of items that must not be charged together (<c>exclusive-pairs</c>),
/// and the diagnoses that count as a registered chronic condition (<c>chronic-conditions</c>). They are
/// loaded after the item tables and attached to the items, so rules still make one lookup per line.
/// </summary>
internal static class KnowledgeRelations
{
    public const string Contraindications = "contraindications", ExclusivePairs = "exclusive-pairs", ChronicConditions = "chronic-conditions";

    public static IReadOnlyDictionary<string, string[]> Columns { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Contraindications] = ["ingredient_a", "ingredient_b", "note_zh", "note_en"],
        [ExclusivePairs] = ["item_a", "item_b", "kind", "override_modifier", "note_zh", "note_en"],
        [ChronicConditions] = ["icd_prefix", "name"],
    };

    /// <summary>Links contraindicated ingredients; a pair naming an ingredient no item has is a problem (a typo, most likely).</summary>
    public static void LoadContraindications(CsvTable csv, Dictionary<string, KbItem> items, List<RuleSetProblem> problems)
    {
        var ingredients = items.Values.Where(i => i.Ingredient.Length > 0).GroupBy(i => i.Ingredient, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var partners = new Dictionary<string, Dictionary<string, ItemRelation>>(StringComparer.Ordinal);
        int a = csv.ColumnIndex("ingredient_a"), b = csv.ColumnIndex("ingredient_b"), zh = csv.ColumnIndex("note_zh"), en = csv.ColumnIndex("note_en");
        foreach (var row in csv.Rows)
        {
            string first = row.Get(a), second = row.Get(b);
            var problem = first == second ? "ingredient_a and ingredient_b are the same"
                : !ingredients.ContainsKey(first) ? $"ingredient '{first}' is not the ingredient of any item (kb/ingredient.csv)"
                : !ingredients.ContainsKey(second) ? $"ingredient '{second}' is not the ingredient of any item (kb/ingredient.csv)"
                : row.Get(zh).Length == 0 ? "column note_zh: say why the pair is contraindicated (it is shown to the doctor)"
                : null;
            if (problem is not null)
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, problem));
                continue;
            }

            var relation = new ItemRelation { Kind = "contraindicated", NoteZh = row.Get(zh), NoteEn = row.Get(en) };
            if (!Link(partners, first, second, relation) || !Link(partners, second, first, relation))
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"the pair {first} / {second} appears twice"));
            }
        }

        foreach (var (ingredient, map) in partners)
        {
            var frozen = map.ToFrozenDictionary(StringComparer.Ordinal);
            foreach (var item in ingredients[ingredient])
            {
                item.Contraindications = frozen;
            }
        }
    }

    /// <summary>Links items that must not be charged together, both ways.</summary>
    public static void LoadExclusivePairs(CsvTable csv, Dictionary<string, KbItem> items, List<RuleSetProblem> problems)
    {
        var partners = new Dictionary<string, Dictionary<string, ItemRelation>>(StringComparer.Ordinal);
        int a = csv.ColumnIndex("item_a"), b = csv.ColumnIndex("item_b"), kind = csv.ColumnIndex("kind"),
            modifier = csv.ColumnIndex("override_modifier"), zh = csv.ColumnIndex("note_zh"), en = csv.ColumnIndex("note_en");
        foreach (var row in csv.Rows)
        {
            string first = row.Get(a), second = row.Get(b), kindText = row.Get(kind);
            var problem = first == second ? "item_a and item_b are the same (a repeated charge is the duplicate-charge rule's business)"
                : !items.ContainsKey(first) ? $"item_code '{first}' is not in the catalogue ({KnowledgeTable.Catalogue.FileName})"
                : !items.ContainsKey(second) ? $"item_code '{second}' is not in the catalogue ({KnowledgeTable.Catalogue.FileName})"
                : kindText is not ("exclusive" or "bundled") ? $"column kind: '{kindText}' is not exclusive or bundled"
                : row.Get(zh).Length == 0 ? "column note_zh: say why the pair may not be charged together"
                : null;
            if (problem is not null)
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, problem));
                continue;
            }

            var relation = new ItemRelation { Kind = kindText, OverrideModifier = row.Get(modifier), NoteZh = row.Get(zh), NoteEn = row.Get(en) };
            if (!Link(partners, first, second, relation) || !Link(partners, second, first, relation))
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"the pair {first} / {second} appears twice"));
            }
        }

        foreach (var (code, map) in partners)
        {
            items[code].ExclusivePartners = map.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    public static List<string> LoadChronicConditions(CsvTable csv, List<RuleSetProblem> problems)
    {
        var prefixes = new List<string>();
        var column = csv.ColumnIndex("icd_prefix");
        foreach (var row in csv.Rows)
        {
            var prefix = row.Get(column);
            if (prefix.Length < 3)
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"column icd_prefix: '{prefix}' is shorter than an ICD-10 category (3 characters)"));
            }
            else
            {
                prefixes.Add(prefix);
            }
        }

        return prefixes;
    }

    private static bool Link(Dictionary<string, Dictionary<string, ItemRelation>> partners, string from, string to, ItemRelation relation)
    {
        if (!partners.TryGetValue(from, out var map))
        {
            partners[from] = map = new Dictionary<string, ItemRelation>(StringComparer.Ordinal);
        }

        return map.TryAdd(to, relation);
    }
}
