using SmartAudit.Core.Audit;

namespace SmartAudit.Core.Knowledge;

/// <summary>
/// Everything the knowledge base knows about one item code, merged from every table that has a row for
/// it. Rules read it as <c>line.Item</c>. A restriction a table does not set is <c>null</c>, and
/// <see cref="Tables"/> says which tables have a row, so the engine runs a table's rules only for the
/// items that have an entry in it.
/// </summary>
public sealed class KbItem
{
    private long?[]? _priceCapFen;

    /// <summary>The item the catalogue does not know: no restrictions, no tables.</summary>
    public static KbItem Unknown { get; } = new() { Code = string.Empty, Name = string.Empty, IsKnown = false };

    public required string Code { get; init; }

    public required string Name { get; init; }

    /// <summary>English name for English messages; empty when the catalogue has none.</summary>
    public string NameEn { get; init; } = string.Empty;

    public ItemKind? Kind { get; init; }

    /// <summary>False for <see cref="Unknown"/>: the code is not in the catalogue.</summary>
    public bool IsKnown { get; init; } = true;

    /// <summary>Bit set of the tables (<see cref="KnowledgeTable.Bit"/>) that have a row for this item.</summary>
    public ulong Tables { get; internal set; }

    /// <summary>限性别: the only sex the item is paid for.</summary>
    public Sex? SexOnly { get; internal set; }

    /// <summary>限年龄: the youngest age in whole years at which the item is paid (e.g. 18 for adults only).</summary>
    public int? MinAgeYears { get; internal set; }

    /// <summary>限儿童: the oldest age in whole years at which the item is paid (e.g. 14 for children only).</summary>
    public int? MaxAgeYears { get; internal set; }

    /// <summary>限医院级别: the lowest hospital level (1-3) allowed to use the item.</summary>
    public int? MinHospitalLevel { get; internal set; }

    /// <summary>超量: the maximum daily dose, in <see cref="DoseUnit"/>.</summary>
    public double? MaxDailyDose { get; internal set; }

    /// <summary>The unit of daily doses for this item, e.g. "mg".</summary>
    public string DoseUnit { get; internal set; } = string.Empty;

    /// <summary>超量: the maximum days of supply in one prescription.</summary>
    public int? MaxDaysOfSupply { get; internal set; }

    /// <summary>限新生儿: the youngest age in days at which the item is paid (e.g. 29: not for newborns).</summary>
    public int? MinAgeDays { get; internal set; }

    /// <summary>限新生儿: the oldest age in days at which the item is paid (e.g. 28: newborns only).</summary>
    public int? MaxAgeDays { get; internal set; }

    /// <summary>限专科: the department codes (or code prefixes) allowed to order the item; empty when unrestricted.</summary>
    public IReadOnlyList<string> Departments { get; internal set; } = [];

    /// <summary><see cref="Departments"/> as one text for messages, e.g. "A07|A04.02".</summary>
    public string DepartmentText => string.Join('|', Departments);

    /// <summary>限适应症: ICD-10 code prefixes the catalogue pays the item for; empty when unrestricted.</summary>
    public IReadOnlyList<string> IndicationPrefixes { get; internal set; } = [];

    /// <summary>The payment restriction in the catalogue's words, e.g. "限2型糖尿病".</summary>
    public string IndicationText { get; internal set; } = string.Empty;

    /// <summary>The payment restriction in English, falling back to the ICD prefixes.</summary>
    public string IndicationTextEn { get; internal set; } = string.Empty;

    /// <summary>超量: the maximum days of supply for a patient with a registered chronic condition (慢性病), outpatient.</summary>
    public int? MaxDaysChronic { get; internal set; }

    /// <summary>The active ingredient (通用名) code: two products with the same ingredient duplicate each other.</summary>
    public string Ingredient { get; internal set; } = string.Empty;

    /// <summary>频次: the most units that may be charged on one day.</summary>
    public double? MaxPerDay { get; internal set; }

    /// <summary>频次: the most units that may be charged within <see cref="PeriodDays"/> days.</summary>
    public double? MaxPerPeriod { get; internal set; }

    /// <summary>The length in days of the period <see cref="MaxPerPeriod"/> counts over.</summary>
    public int? PeriodDays { get; internal set; }

    /// <summary>按日收费: "bed" for bed-days, "nursing" for nursing-days; empty for other items.</summary>
    public string PerDiemUnit { get; internal set; } = string.Empty;

    /// <summary>True when the item is charged per day of stay (a bed-day or a nursing-day).</summary>
    public bool IsPerDiem => PerDiemUnit.Length > 0;

    /// <summary>Ingredients this item's ingredient must not be combined with (配伍禁忌), with the reason.</summary>
    internal IReadOnlyDictionary<string, ItemRelation> Contraindications { get; set; } = ItemRelation.NoneByKey;

    /// <summary>Items that must not be charged together with this one (互斥 / 分解收费), by item code.</summary>
    internal IReadOnlyDictionary<string, ItemRelation> ExclusivePartners { get; set; } = ItemRelation.NoneByKey;

    /// <summary>True when the item takes part in any pair relation (the engine pairs only such lines).</summary>
    public bool HasContraindications => Contraindications.Count > 0;

    public bool HasExclusivePartners => ExclusivePartners.Count > 0;

    /// <summary>Whether a patient in <paramref name="department"/> may be given the item (prefix match on department codes).</summary>
    public bool DepartmentAllows(string department)
    {
        if (Departments.Count == 0)
        {
            return true;
        }

        foreach (var allowed in Departments)
        {
            if (department.StartsWith(allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The contraindication between this item's ingredient and <paramref name="other"/>'s, or <see cref="ItemRelation.None"/>.</summary>
    public ItemRelation ContraindicationWith(KbItem other) => ContraindicationWithIngredient(other.Ingredient);

    /// <summary>The contraindication between this item's ingredient and <paramref name="ingredient"/>, or <see cref="ItemRelation.None"/>.</summary>
    public ItemRelation ContraindicationWithIngredient(string ingredient) =>
        ingredient.Length > 0 && Contraindications.TryGetValue(ingredient, out var relation) ? relation : ItemRelation.None;

    /// <summary>The exclusive-pair relation between this item and <paramref name="other"/>, or <see cref="ItemRelation.None"/>.</summary>
    public ItemRelation ExclusiveWith(KbItem other) =>
        other.Code.Length > 0 && ExclusivePartners.TryGetValue(other.Code, out var relation) ? relation : ItemRelation.None;

    /// <summary>True when the price table caps this item's unit price.</summary>
    public bool HasPriceCap => _priceCapFen is not null;

    /// <summary>超标准收费: the unit-price cap in fen at a hospital level (1-3), or null where none is set.</summary>
    public long? PriceCapFen(int hospitalLevel) =>
        _priceCapFen is { } caps && hospitalLevel is >= 1 and <= 3 ? caps[hospitalLevel - 1] : null;

    internal void SetPriceCaps(long? level1, long? level2, long? level3) => _priceCapFen = [level1, level2, level3];

    public bool HasTable(KnowledgeTable table) => (Tables & table.Bit) != 0;
}
