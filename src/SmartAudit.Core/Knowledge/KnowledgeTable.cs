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
            // Optional columns min_age_days / max_age_days restrict by age in days (newborns: the first 28 days).
            item.MinAgeYears = row.OptionalInt("min_age_years", out var e1);
            item.MaxAgeYears = row.OptionalInt("max_age_years", out var e2);
            item.MinAgeDays = row.OptionalInt("min_age_days", out var e3);
            item.MaxAgeDays = row.OptionalInt("max_age_days", out var e4);
            return e1 ?? e2 ?? e3 ?? e4 ?? (item.MinAgeYears is null && item.MaxAgeYears is null && item.MinAgeDays is null && item.MaxAgeDays is null
                ? "every age column is empty"
                : item.MinAgeYears > item.MaxAgeYears ? "min_age_years is above max_age_years"
                : item.MinAgeDays > item.MaxAgeDays ? "min_age_days is above max_age_days" : null);
        }),
        new(2, "level", ["item_code", "min_hospital_level"], static (item, row) =>
        {
            item.MinHospitalLevel = row.OptionalInt("min_hospital_level", out var error);
            return error ?? (item.MinHospitalLevel is not (>= 1 and <= 3) ? "column min_hospital_level: must be 1, 2 or 3" : null);
        }),
        new(3, "dose", ["item_code", "max_daily_dose", "dose_unit", "max_days_of_supply"], static (item, row) =>
        {
            // Optional column max_days_chronic: the longer limit for outpatients with a registered chronic condition.
            item.MaxDailyDose = row.OptionalDouble("max_daily_dose", out var e1);
            item.DoseUnit = row.Text("dose_unit");
            item.MaxDaysOfSupply = row.OptionalInt("max_days_of_supply", out var e2);
            item.MaxDaysChronic = row.OptionalInt("max_days_chronic", out var e3);
            return e1 ?? e2 ?? e3 ?? (item.MaxDailyDose is null && item.MaxDaysOfSupply is null && item.MaxDaysChronic is null
                ? "max_daily_dose, max_days_of_supply and max_days_chronic are all empty"
                : item.MaxDaysChronic < item.MaxDaysOfSupply ? "max_days_chronic is below max_days_of_supply" : null);
        }),
        new(4, "price", ["item_code", "cap_level1_fen", "cap_level2_fen", "cap_level3_fen"], static (item, row) =>
        {
            var l1 = row.OptionalLong("cap_level1_fen", out var e1);
            var l2 = row.OptionalLong("cap_level2_fen", out var e2);
            var l3 = row.OptionalLong("cap_level3_fen", out var e3);
            item.SetPriceCaps(l1, l2, l3);
            return e1 ?? e2 ?? e3;
        }),
        new(5, "department", ["item_code", "departments"], static (item, row) =>
        {
            item.Departments = row.List("departments");
            return item.Departments.Count == 0 ? "column departments: list at least one department code (separate with |)" : null;
        }),
        new(6, "indication", ["item_code", "icd_prefixes", "restriction_zh"], static (item, row) =>
        {
            item.IndicationPrefixes = row.List("icd_prefixes");
            item.IndicationText = row.Text("restriction_zh");
            item.IndicationTextEn = row.Text("restriction_en");
            return item.IndicationPrefixes.Count == 0 ? "column icd_prefixes: list at least one ICD-10 prefix (separate with |)"
                : item.IndicationText.Length == 0 ? "column restriction_zh: the catalogue's wording of the restriction is needed for the message"
                : null;
        }),
        new(7, "ingredient", ["item_code", "ingredient"], static (item, row) =>
        {
            item.Ingredient = row.Text("ingredient");
            return item.Ingredient.Length == 0 ? "column ingredient is empty" : null;
        }),
        new(8, "frequency", ["item_code", "max_per_day", "max_per_period", "period_days"], static (item, row) =>
        {
            item.MaxPerDay = row.OptionalDouble("max_per_day", out var e1);
            item.MaxPerPeriod = row.OptionalDouble("max_per_period", out var e2);
            item.PeriodDays = row.OptionalInt("period_days", out var e3);
            return e1 ?? e2 ?? e3 ?? (item.MaxPerDay is null && item.MaxPerPeriod is null ? "max_per_day and max_per_period are both empty"
                : (item.MaxPerPeriod is null) != (item.PeriodDays is null) ? "max_per_period and period_days go together"
                : item.PeriodDays == 0 ? "column period_days: must be 1 or more" : null);
        }),
        new(9, "per-diem", ["item_code", "unit"], static (item, row) =>
        {
            item.PerDiemUnit = row.Text("unit");
            return item.PerDiemUnit is "bed" or "nursing" ? null : $"column unit: '{item.PerDiemUnit}' is not bed or nursing";
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

    /// <summary>A |-separated list, trimmed, without empty entries.</summary>
    public string[] List(string column) =>
        Text(column).Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

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
