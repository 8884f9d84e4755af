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

    internal KnowledgeBase(FrozenDictionary<string, KbItem> items, IReadOnlyDictionary<string, int> tableRowCounts, IReadOnlyList<string> chronicPrefixes)
    {
        _items = items;
        TableRowCounts = tableRowCounts;
        ChronicConditionPrefixes = chronicPrefixes;
    }

    public int ItemCount => _items.Count;

    /// <summary>Every item the catalogue holds.</summary>
    public IEnumerable<KbItem> Items => _items.Values;

    /// <summary>Rows loaded per table name, for reports.</summary>
    public IReadOnlyDictionary<string, int> TableRowCounts { get; }

    /// <summary>ICD-10 prefixes of the registered chronic conditions (门诊慢特病), from <c>kb/chronic-conditions.csv</c>.</summary>
    public IReadOnlyList<string> ChronicConditionPrefixes { get; }

    /// <summary>The item with this code, or <see cref="KbItem.Unknown"/>.</summary>
    public KbItem Lookup(string code) => _items.TryGetValue(code, out var item) ? item : KbItem.Unknown;

    /// <summary>
    /// Loads the catalogue (<c>kb/items.csv</c>) and every table file under <c>kb/</c>. A table may be split
    /// over several files, <c>kb/&lt;table&gt;.csv</c> and <c>kb/&lt;table&gt;.&lt;part&gt;.csv</c> (the
    /// generated national catalogue lives in <c>*.generated.csv</c> beside the hand-written rows). Problems are
    /// added to <paramref name="problems"/> with file and line; a table with problems is still loaded where its
    /// rows are good, so that one run reports every problem.
    /// </summary>
    internal static KnowledgeBase Load(RuleSetSource source, List<RuleSetProblem> problems)
    {
        var kbFiles = source.Files.Where(f => f.Path.StartsWith(RuleSetSource.KnowledgeFolder, StringComparison.Ordinal)).ToList();
        var hash = RuleSetCompiler.ContentHash(new RuleSetSource(kbFiles));
        if (LoadedRecently.Find(hash) is { } loaded)
        {
            return loaded;
        }

        var before = problems.Count;
        var knowledge = LoadFiles(source, problems);
        if (problems.Count == before)
        {
            LoadedRecently.Remember(hash, knowledge);
        }

        return knowledge;
    }

    private static KnowledgeBase LoadFiles(RuleSetSource source, List<RuleSetProblem> problems)
    {
        var items = new Dictionary<string, KbItem>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var files = source.Files
            .Where(f => f.Path.StartsWith(RuleSetSource.KnowledgeFolder, StringComparison.Ordinal) && f.Path.EndsWith(".csv", StringComparison.Ordinal))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .GroupBy(f => TableName(f.Path), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        if (!files.TryGetValue(KnowledgeTable.Catalogue.Name, out var catalogue))
        {
            problems.Add(new RuleSetProblem(KnowledgeTable.Catalogue.FileName, null, null, "the item catalogue is missing"));
        }
        else
        {
            counts[KnowledgeTable.Catalogue.Name] = catalogue.Sum(f => LoadCatalogue(Parse(f), items, problems));
        }

        foreach (var (name, tableFiles) in files)
        {
            if (name == KnowledgeTable.Catalogue.Name || KnowledgeRelations.Columns.ContainsKey(name))
            {
                continue;
            }

            if (!KnowledgeTable.All.TryGetValue(name, out var table))
            {
                problems.Add(new RuleSetProblem(tableFiles[0].Path, null, null,
                    $"unknown table '{name}'; known tables: {string.Join(", ", KnowledgeTable.All.Keys.Concat(KnowledgeRelations.Columns.Keys))}"));
                continue;
            }

            counts[name] = tableFiles.Sum(f => LoadTable(table, Parse(f), items, problems));
        }

        // Relations last: they refer to items and ingredients loaded above.
        var chronic = new List<string>();
        foreach (var (name, columns) in KnowledgeRelations.Columns)
        {
            foreach (var file in files.GetValueOrDefault(name) ?? [])
            {
                var csv = Parse(file);
                if (!HasColumns(name, columns, csv, problems))
                {
                    continue;
                }

                counts[name] = counts.GetValueOrDefault(name) + csv.Rows.Count;
                switch (name)
                {
                    case KnowledgeRelations.Contraindications:
                        KnowledgeRelations.LoadContraindications(csv, items, problems);
                        break;
                    case KnowledgeRelations.ExclusivePairs:
                        KnowledgeRelations.LoadExclusivePairs(csv, items, problems);
                        break;
                    default:
                        chronic.AddRange(KnowledgeRelations.LoadChronicConditions(csv, problems));
                        break;
                }
            }
        }

        return new KnowledgeBase(items.ToFrozenDictionary(StringComparer.Ordinal), counts, chronic);
    }

    /// <summary>The table a file under <c>kb/</c> belongs to: its name up to the first dot.</summary>
    internal static string TableName(string path)
    {
        var name = Path.GetFileName(path);
        return name[..name.IndexOf('.', StringComparison.Ordinal)];
    }

    private static CsvTable Parse(SourceFile file) => CsvTable.Parse(file.Path, file.Content);

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

    private static bool HasColumns(KnowledgeTable table, CsvTable csv, List<RuleSetProblem> problems) =>
        HasColumns(table.Name, table.Columns, csv, problems);

    private static bool HasColumns(string table, IReadOnlyList<string> columns, CsvTable csv, List<RuleSetProblem> problems)
    {
        var missing = columns.Where(c => csv.ColumnIndex(c) < 0).ToList();
        if (missing.Count == 0)
        {
            return true;
        }

        problems.Add(new RuleSetProblem(csv.File, null, csv.HeaderLine,
            $"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (table '{table}' needs {string.Join(", ", columns)})"));
        return false;
    }

    /// <summary>
    /// The knowledge bases loaded lately, by the hash of their files. A new rule-set version usually changes
    /// rules, not the 50,000-item catalogue: its knowledge base is then the one already in memory (it is
    /// never changed after loading), and a reload costs the rules' compilation only. Weak references: a
    /// knowledge base no rule set uses any more is not kept alive by this.
    /// </summary>
    private static class LoadedRecently
    {
        private const int Capacity = 4;
        private static readonly Lock Gate = new();
        private static readonly List<(string Hash, WeakReference<KnowledgeBase> Knowledge)> Entries = [];

        public static KnowledgeBase? Find(string hash)
        {
            lock (Gate)
            {
                foreach (var (entryHash, reference) in Entries)
                {
                    if (entryHash == hash && reference.TryGetTarget(out var knowledge))
                    {
                        return knowledge;
                    }
                }

                return null;
            }
        }

        public static void Remember(string hash, KnowledgeBase knowledge)
        {
            lock (Gate)
            {
                Entries.RemoveAll(e => e.Hash == hash || !e.Knowledge.TryGetTarget(out _));
                Entries.Insert(0, (hash, new WeakReference<KnowledgeBase>(knowledge)));
                if (Entries.Count > Capacity)
                {
                    Entries.RemoveAt(Entries.Count - 1);
                }
            }
        }
    }
}
