using System.Globalization;
using SmartAudit.Core.Audit;

namespace SmartAudit.Core.Knowledge;

/// <summary>
/// The schema of one knowledge-base table: its name (what a rule's <c>table</c> property names), its
/// file under <c>kb/</c>, its columns, and how a row sets restrictions on a <see cref="KbItem"/>.
/// The first column of every table is <c>item_code</c>, the key into the catalogue.
/// </summary>
public sealed class KnowledgeTable
{
    private readonly Func<KbItem, TableRowReader, string?> _apply;

    private KnowledgeTable(int index, string name, string[] columns, Func<KbItem, TableRowReader, string?> apply)
    {
        Index = index;
        Name = name;
        Columns = columns;
        _apply = apply;
    }

    public int Index { get; }

    public ulong Bit => 1UL << Index;

    public string Name { get; }

    public string FileName => $"{Rules.RuleSetSource.KnowledgeFolder}{Name}.csv";

    /// <summary>Required columns, <c>item_code</c> first.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The catalogue every other table refers to: code, name, kind (and optionally name_en).</summary>
    public static KnowledgeTable Catalogue { get; } = new(-1, "items", ["item_code", "name", "kind"], (_, _) => null);

    /// <summary>Every table a rule may name, by name.</summary>
    public static IReadOnlyDictionary<string, KnowledgeTable> All { get; } = new KnowledgeTable[]
    {
        new(0, "sex", ["item_code", "sex"], static (item, row) =>
        {
            var sex = row.Text("sex");
            item.SexOnly = sex switch
            {
                "M" => Sex.Male,
                "F" => Sex.Female,
                _ => null,
            };
            return item.SexOnly is null ? $"column sex: '{sex}' is not M or F" : null;
        }),
        new(1, "age", ["item_code", "min_age_years", "max_age_years"], static (item, row) =>
        {
            item.MinAgeYears = row.OptionalInt("min_age_years", out var e1);
            item.MaxAgeYears = row.OptionalInt("max_age_years", out var e2);
            return e1 ?? e2 ?? (item.MinAgeYears is null && item.MaxAgeYears is null
                ? "min_age_years and max_age_years are both empty"
                : item.MinAgeYears > item.MaxAgeYears ? "min_age_years is above max_age_years" : null);
        }),
        new(2, "level", ["item_code", "min_hospital_level"], static (item, row) =>
        {
            item.MinHospitalLevel = row.OptionalInt("min_hospital_level", out var error);
            return error ?? (item.MinHospitalLevel is not (>= 1 and <= 3) ? "column min_hospital_level: must be 1, 2 or 3" : null);
        }),
        new(3, "dose", ["item_code", "max_daily_dose", "dose_unit", "max_days_of_supply"], static (item, row) =>
        {
            item.MaxDailyDose = row.OptionalDouble("max_daily_dose", out var e1);
            item.DoseUnit = row.Text("dose_unit");
            item.MaxDaysOfSupply = row.OptionalInt("max_days_of_supply", out var e2);
            return e1 ?? e2 ?? (item.MaxDailyDose is null && item.MaxDaysOfSupply is null
                ? "max_daily_dose and max_days_of_supply are both empty"
                : null);
        }),
        new(4, "price", ["item_code", "cap_level1_fen", "cap_level2_fen", "cap_level3_fen"], static (item, row) =>
        {
            var l1 = row.OptionalLong("cap_level1_fen", out var e1);
            var l2 = row.OptionalLong("cap_level2_fen", out var e2);
            var l3 = row.OptionalLong("cap_level3_fen", out var e3);
            item.SetPriceCaps(l1, l2, l3);
            return e1 ?? e2 ?? e3;
        }),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Applies one row to its item; returns a problem description, or null when the row is good.</summary>
    internal string? Apply(KbItem item, TableRowReader row)
    {
        item.Tables |= Bit;
        return _apply(item, row);
    }
}

/// <summary>Typed reads of one CSV row by column name; parse failures come back as messages, not exceptions.</summary>
internal readonly struct TableRowReader(CsvTable table, CsvRow row)
{
    public string Text(string column) => row.Get(table.ColumnIndex(column));

    public int? OptionalInt(string column, out string? error)
    {
        error = null;
        var text = Text(column);
        if (text.Length == 0)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            return value;
        }

        error = $"column {column}: '{text}' is not a whole number of zero or more";
        return null;
    }

    public long? OptionalLong(string column, out string? error)
    {
        error = null;
        var text = Text(column);
        if (text.Length == 0)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            return value;
        }

        error = $"column {column}: '{text}' is not a whole number of zero or more";
        return null;
    }

    public double? OptionalDouble(string column, out string? error)
    {
        error = null;
        var text = Text(column);
        if (text.Length == 0)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0)
        {
            return value;
        }

        error = $"column {column}: '{text}' is not a number of zero or more";
        return null;
    }
}
