namespace SmartAudit.Core.Audit;

/// <summary>The moment in the care process at which a request is audited.</summary>
public enum Stage
{
    /// <summary>事前提醒: at order entry.</summary>
    Pre = 1,
    /// <summary>事中告诫: during the stay and at settlement.</summary>
    Mid = 2,
    /// <summary>事后审核: over settled claims.</summary>
    Post = 3,
}

public enum Sex
{
    Male = 1,
    Female = 2,
}

public enum InsuranceType
{
    Unspecified = 0,
    Employee = 1,
    Resident = 2,
}

public enum EncounterKind
{
    Outpatient = 1,
    Inpatient = 2,
    Pharmacy = 3,
}

public enum ItemKind
{
    Drug = 1,
    Service = 2,
    Material = 3,
}

/// <summary>One request to audit: an order, a prescription or a whole claim, at one stage.</summary>
public sealed record AuditRequest(
    string RequestId,
    Stage Stage,
    Patient Patient,
    Encounter Encounter,
    IReadOnlyList<OrderLine> Lines);

/// <summary>The insured person (参保人).</summary>
public sealed record Patient(
    string Id,
    Sex Sex,
    DateOnly BirthDate,
    InsuranceType InsuranceType,
    string Region);

/// <summary>A visit or a stay (就诊).</summary>
public sealed record Encounter(
    string Id,
    EncounterKind Kind,
    string HospitalId,
    int HospitalLevel,
    string Department,
    DateOnly? AdmissionDate,
    DateOnly? DischargeDate,
    IReadOnlyList<string> DiagnosisCodes,
    string DoctorId);

/// <summary>
/// One order or claim line (医嘱/处方明细). Money is integer fen. <see cref="ServiceDate"/> is the line's
/// date in the fund's local calendar: it decides the patient's age and which rules are in force.
/// </summary>
public sealed record OrderLine(
    string LineId,
    string ItemCode,
    ItemKind ItemKind,
    string Name,
    double Quantity,
    long UnitPriceFen,
    long AmountFen,
    double DailyDose,
    int DaysOfSupply,
    DateTimeOffset OrderedAt,
    DateOnly ServiceDate)
{
    /// <summary>
    /// Codes the HIS attached to the line, such as a modifier documenting why a normally exclusive pair is
    /// charged together this time. Empty for most lines.
    /// </summary>
    public IReadOnlyList<string> Modifiers { get; init; } = [];
}
