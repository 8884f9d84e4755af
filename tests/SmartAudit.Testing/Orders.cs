using SmartAudit.Core.Audit;

namespace SmartAudit.Testing;

/// <summary>
/// Builders for audit requests: a sensible adult outpatient visit at a level-3 hospital by default,
/// changed only where a test cares.
/// </summary>
public static class Orders
{
    public static readonly DateOnly Today = new(2026, 3, 10);

    public static Patient Patient(Sex sex = Sex.Female, int ageYears = 40) =>
        new("P0001", sex, Today.AddYears(-ageYears).AddDays(-30), InsuranceType.Employee, "310000");

    public static Encounter Encounter(EncounterKind kind = EncounterKind.Outpatient, int hospitalLevel = 3) =>
        new("E0001", kind, "H310001", hospitalLevel, "GEN", kind == EncounterKind.Inpatient ? Today : null, null, ["J06.9"], "D001");

    public static OrderLine Line(string itemCode, string lineId = "1", ItemKind kind = ItemKind.Drug, double quantity = 1,
        long unitPriceFen = 1000, double dailyDose = 0, int daysOfSupply = 0, DateOnly? serviceDate = null)
    {
        var date = serviceDate ?? Today;
        return new OrderLine(lineId, itemCode, kind, string.Empty, quantity, unitPriceFen, (long)(unitPriceFen * quantity),
            dailyDose, daysOfSupply, new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)), date);
    }

    public static AuditRequest Request(Stage stage = Stage.Pre, Patient? patient = null, Encounter? encounter = null, params OrderLine[] lines) =>
        new("R0001", stage, patient ?? Patient(), encounter ?? Encounter(), lines);
}
