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

    /// <summary>True when the price table caps this item's unit price.</summary>
    public bool HasPriceCap => _priceCapFen is not null;

    /// <summary>超标准收费: the unit-price cap in fen at a hospital level (1-3), or null where none is set.</summary>
    public long? PriceCapFen(int hospitalLevel) =>
        _priceCapFen is { } caps && hospitalLevel is >= 1 and <= 3 ? caps[hospitalLevel - 1] : null;

    internal void SetPriceCaps(long? level1, long? level2, long? level3) => _priceCapFen = [level1, level2, level3];

    public bool HasTable(KnowledgeTable table) => (Tables & table.Bit) != 0;
}
