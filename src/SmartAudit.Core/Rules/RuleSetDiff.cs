using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>One difference between two rule sets, as a reviewer reads it.</summary>
/// <param name="Kind">added, removed or changed.</param>
/// <param name="What">"rule" or the table's name ("items", "sex", …).</param>
/// <param name="Key">The rule id, or the item code of a table row.</param>
/// <param name="Detail">For a changed entry, what changed: "old → new" per field.</param>
public sealed record RuleSetChange(string Kind, string What, string Key, string Detail);

/// <summary>
/// Compares two compiled rule sets: rules by id (expression and every piece of metadata) and
/// knowledge-base rows by table and item code. Pure: the sets' sources are passed in.
/// </summary>
public static class RuleSetDiff
{
    public static List<RuleSetChange> Compare(RuleSet before, RuleSetSource beforeSource, RuleSet after, RuleSetSource afterSource)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<RuleSetChange>();
        var old = before.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var @new = after.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var id in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            switch (old.TryGetValue(id, out var a), @new.TryGetValue(id, out var b))
            {
                case (false, true): changes.Add(new("added", "rule", id, $"{b!.Category}: {b.Expression}")); break;
                case (true, false): changes.Add(new("removed", "rule", id, $"{a!.Category}: {a.Expression}")); break;
                default:
                    var fields = Describe(a!).Zip(Describe(b!)).Where(p => p.First.Value != p.Second.Value)
                        .Select(p => $"{p.First.Name}: {p.First.Value} → {p.Second.Value}").ToList();
                    if (fields.Count > 0)
                    {
                        changes.Add(new("changed", "rule", id, string.Join("; ", fields)));
                    }

                    break;
            }
        }

        foreach (var table in new[] { KnowledgeTable.Catalogue.Name }.Concat(KnowledgeTable.All.Keys))
        {
            var rowsBefore = Rows(beforeSource, table);
            var rowsAfter = Rows(afterSource, table);
            foreach (var code in rowsBefore.Keys.Union(rowsAfter.Keys).Order(StringComparer.Ordinal))
            {
                switch (rowsBefore.TryGetValue(code, out var a), rowsAfter.TryGetValue(code, out var b))
                {
                    case (false, true): changes.Add(new("added", table, code, b!)); break;
                    case (true, false): changes.Add(new("removed", table, code, a!)); break;
                    case (true, true) when a != b: changes.Add(new("changed", table, code, $"{a} → {b}")); break;
                }
            }
        }

        return changes;
    }

    private static IEnumerable<(string Name, string Value)> Describe(RuleDefinition rule)
    {
        yield return ("expression", rule.Expression);
        yield return ("category", rule.Category);
        yield return ("scope", rule.Scope.ToString().ToLowerInvariant());
        yield return ("table", rule.Table?.Name ?? "-");
        yield return ("severity", string.Join(",", rule.Severity.OrderBy(s => s.Key).Select(s => $"{s.Key.ToString().ToUpperInvariant()}={s.Value.ToString().ToUpperInvariant()}")));
        yield return ("certainty", rule.Certainty.ToString().ToUpperInvariant());
        yield return ("encounterKinds", string.Join(",", rule.EncounterKinds.Order().Select(k => k.ToString().ToUpperInvariant())));
        yield return ("mode", rule.Mode.ToString().ToLowerInvariant());
        yield return ("effectiveFrom", rule.EffectiveFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        yield return ("effectiveTo", rule.EffectiveTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        yield return ("message.zh", rule.MessageZh);
        yield return ("message.en", rule.MessageEn);
    }

    /// <summary>A table's rows by item code, each as its cells joined in header order.</summary>
    private static Dictionary<string, string> Rows(RuleSetSource source, string table)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        if (source.Find($"{RuleSetSource.KnowledgeFolder}{table}.csv") is not { } file)
        {
            return rows;
        }

        var csv = CsvTable.Parse(file.Path, file.Content);
        foreach (var row in csv.Rows)
        {
            var cells = string.Join(", ", csv.Header.Select((column, i) => $"{column}={row.Get(i)}").Skip(1));
            rows.TryAdd(row.Get(0), cells);
        }

        return rows;
    }
}
