using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;

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

/// <summary>What one settled request adds to its patient's history.</summary>
public sealed record HistoryEntry(string PatientId, HistoryEncounter Encounter, IReadOnlyList<HistoryLine> Lines)
{
    /// <summary>
    /// The entry for <paramref name="request"/>: its encounter, and its lines with each item's ingredient
    /// from the knowledge base (so that a later prescription of another brand of the same ingredient is seen).
    /// </summary>
    public static HistoryEntry From(AuditRequest request, KnowledgeBase knowledge)
    {
        var encounter = request.Encounter;
        var firstService = DateOnly.MaxValue;
        var lines = new HistoryLine[request.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = request.Lines[i];
            if (line.ServiceDate < firstService)
            {
                firstService = line.ServiceDate;
            }

            lines[i] = new HistoryLine(encounter.Id, encounter.HospitalId, line.ItemCode, knowledge.Lookup(line.ItemCode).Ingredient,
                line.ServiceDate, line.Quantity, line.DaysOfSupply);
        }

        var start = encounter.AdmissionDate ?? (firstService == DateOnly.MaxValue ? DateOnly.MinValue : firstService);
        return new HistoryEntry(
            request.Patient.Id,
            new HistoryEncounter(encounter.Id, encounter.Kind, encounter.HospitalId, encounter.Department, start, encounter.DischargeDate, encounter.DiagnosisCodes),
            lines);
    }
}
