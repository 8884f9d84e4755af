using SmartAudit.Core.Audit;

namespace SmartAudit.Core.History;

/// <summary>
/// One earlier encounter of the patient as the history store keeps it: enough to see readmissions and
/// frequent visits. <see cref="StartDate"/> is the admission date of a stay or the date of a visit.
/// </summary>
public sealed record HistoryEncounter(
    string EncounterId,
    EncounterKind Kind,
    string HospitalId,
    string Department,
    DateOnly StartDate,
    DateOnly? EndDate,
    IReadOnlyList<string> DiagnosisCodes);

/// <summary>
/// One earlier line of the patient: what was dispensed or done, when, and for drugs the ingredient and the
/// days the supply lasts (the supply covers <see cref="ServiceDate"/> to <see cref="SupplyEnd"/> inclusive).
/// </summary>
public sealed record HistoryLine(
    string EncounterId,
    string HospitalId,
    string ItemCode,
    string Ingredient,
    DateOnly ServiceDate,
    double Quantity,
    int DaysOfSupply)
{
    /// <summary>The last day the supply lasts; the service date itself for items without days of supply.</summary>
    public DateOnly SupplyEnd => ServiceDate.AddDays(Math.Max(DaysOfSupply, 1) - 1);
}

/// <summary>
/// What the history store knows about one patient: recent encounters and lines, newest first, within the
/// store's retention. An immutable snapshot read once per request, before evaluation.
/// </summary>
public sealed class PatientHistory
{
    public PatientHistory(IReadOnlyList<HistoryEncounter> encounters, IReadOnlyList<HistoryLine> lines)
    {
        Encounters = encounters;
        Lines = lines;
    }

    /// <summary>A patient the store has never seen.</summary>
    public static PatientHistory Empty { get; } = new([], []);

    /// <summary>Earlier encounters, newest start date first.</summary>
    public IReadOnlyList<HistoryEncounter> Encounters { get; }

    /// <summary>Earlier lines, newest service date first.</summary>
    public IReadOnlyList<HistoryLine> Lines { get; }

    public bool IsEmpty => Encounters.Count == 0 && Lines.Count == 0;
}
