using System.Collections.Frozen;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Rules;

namespace SmartAudit.Core.Knowledge;

/// <summary>
/// The knowledge base (知识库) of one rule-set version: item code to everything known about the item,
/// frozen at load. One hash lookup per order line, whatever the catalogue's size.
/// </summary>
public sealed class KnowledgeBase
{
    private readonly FrozenDictionary<string, KbItem> _items;

    internal KnowledgeBase(FrozenDictionary<string, KbItem> items, IReadOnlyDictionary<string, int> tableRowCounts)
    {
        _items = items;
        TableRowCounts = tableRowCounts;
    }

    public int ItemCount => _items.Count;

    /// <summary>Every item the catalogue holds.</summary>
    public IEnumerable<KbItem> Items => _items.Values;

    /// <summary>Rows loaded per table name, for reports.</summary>
    public IReadOnlyDictionary<string, int> TableRowCounts { get; }

    /// <summary>The item with this code, or <see cref="KbItem.Unknown"/>.</summary>
    public KbItem Lookup(string code) => _items.TryGetValue(code, out var item) ? item : KbItem.Unknown;

    /// <summary>
    /// Loads the catalogue (<c>kb/items.csv</c>) and every table file under <c>kb/</c>. Problems are added
    /// to <paramref name="problems"/> with file and line; a table with problems is still loaded where its
    /// rows are good, so that one run reports every problem.
    /// </summary>
    internal static KnowledgeBase Load(RuleSetSource source, List<RuleSetProblem> problems)
    {
        var items = new Dictionary<string, KbItem>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var catalogueFile = source.Find(KnowledgeTable.Catalogue.FileName);
        if (catalogueFile is null)
        {
            problems.Add(new RuleSetProblem(KnowledgeTable.Catalogue.FileName, null, null, "the item catalogue is missing"));
        }
        else
        {
            counts[KnowledgeTable.Catalogue.Name] = LoadCatalogue(CsvTable.Parse(catalogueFile.Path, catalogueFile.Content), items, problems);
        }

        foreach (var file in source.Files.Where(f => f.Path.StartsWith(RuleSetSource.KnowledgeFolder, StringComparison.Ordinal)
                     && f.Path.EndsWith(".csv", StringComparison.Ordinal)))
        {
            if (file.Path == KnowledgeTable.Catalogue.FileName)
            {
                continue;
            }

            var name = Path.GetFileNameWithoutExtension(file.Path);
            if (!KnowledgeTable.All.TryGetValue(name, out var table))
            {
                problems.Add(new RuleSetProblem(file.Path, null, null,
                    $"unknown table '{name}'; known tables: {string.Join(", ", KnowledgeTable.All.Keys)}"));
                continue;
            }

            counts[name] = LoadTable(table, CsvTable.Parse(file.Path, file.Content), items, problems);
        }

        return new KnowledgeBase(items.ToFrozenDictionary(StringComparer.Ordinal), counts);
    }

    private static int LoadCatalogue(CsvTable csv, Dictionary<string, KbItem> items, List<RuleSetProblem> problems)
    {
        if (!HasColumns(KnowledgeTable.Catalogue, csv, problems))
        {
            return 0;
        }

        int code = csv.ColumnIndex("item_code"), name = csv.ColumnIndex("name"), kind = csv.ColumnIndex("kind"), nameEn = csv.ColumnIndex("name_en");
        foreach (var row in csv.Rows)
        {
            var itemCode = row.Get(code);
            ItemKind? itemKind = row.Get(kind) switch
            {
                "drug" => ItemKind.Drug,
                "service" => ItemKind.Service,
                "material" => ItemKind.Material,
                _ => null,
            };
            if (itemCode.Length == 0)
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, "item_code is empty"));
            }
            else if (itemKind is null)
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"column kind: '{row.Get(kind)}' is not drug, service or material"));
            }
            else if (!items.TryAdd(itemCode, new KbItem { Code = itemCode, Name = row.Get(name), NameEn = row.Get(nameEn), Kind = itemKind }))
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"item_code '{itemCode}' appears twice"));
            }
        }

        return csv.Rows.Count;
    }

    private static int LoadTable(KnowledgeTable table, CsvTable csv, Dictionary<string, KbItem> items, List<RuleSetProblem> problems)
    {
        if (!HasColumns(table, csv, problems))
        {
            return 0;
        }

        var code = csv.ColumnIndex("item_code");
        foreach (var row in csv.Rows)
        {
            var itemCode = row.Get(code);
            if (!items.TryGetValue(itemCode, out var item))
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"item_code '{itemCode}' is not in the catalogue ({KnowledgeTable.Catalogue.FileName})"));
                continue;
            }

            if (item.HasTable(table))
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, $"item_code '{itemCode}' appears twice"));
                continue;
            }

            if (table.Apply(item, new TableRowReader(csv, row)) is { } problem)
            {
                problems.Add(new RuleSetProblem(csv.File, null, row.Line, problem));
            }
        }

        return csv.Rows.Count;
    }

    private static bool HasColumns(KnowledgeTable table, CsvTable csv, List<RuleSetProblem> problems)
    {
        var missing = table.Columns.Where(c => csv.ColumnIndex(c) < 0).ToList();
        if (missing.Count == 0)
        {
            return true;
        }

        problems.Add(new RuleSetProblem(csv.File, null, csv.HeaderLine,
            $"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (table '{table.Name}' needs {string.Join(", ", table.Columns)})"));
        return false;
    }
}
