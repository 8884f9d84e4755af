using System.Runtime.CompilerServices;
using SmartAudit.Core.History;

namespace SmartAudit.Core.Rules;

/// <summary>
/// What a rule expression sees of the patient's earlier encounters, as <c>ctx.History</c>: questions a
/// cross-visit rule asks, answered from the history read once for the request. The request's own encounter
/// is left out (a settlement re-sent is not its own duplicate). Indexes are built on first use, so requests
/// whose rules never ask cost nothing.
/// </summary>
public sealed class HistoryFacts
{
    private readonly PatientHistory _history;
    private readonly RequestFacts _request;
    private Dictionary<string, List<HistoryLine>>? _byIngredient;
    private Dictionary<string, List<HistoryLine>>? _byItem;

    // The expression and both messages of a split-hospitalisation rule ask for it: found once per request.
    private StrongBox<HistoryEncounter?>? _lastDischarge;

    internal HistoryFacts(PatientHistory history, RequestFacts request)
    {
        _history = history;
        _request = request;
    }

    /// <summary>Earlier encounters held for the patient (the current one excluded).</summary>
    public int EncounterCount => Others().Count();

    /// <summary>
    /// The most recent earlier supply of <paramref name="ingredient"/> still lasting on <paramref name="date"/>
    /// (dispensed on or before it, supply ending on or after it), or null.
    /// </summary>
    public HistoryLine? SupplyCovering(string ingredient, DateOnly date)
    {
        if (ingredient.Length == 0)
        {
            return null;
        }

        _byIngredient ??= Index(static l => l.Ingredient);
        if (_byIngredient.TryGetValue(ingredient, out var lines))
        {
            foreach (var line in lines)
            {
                if (line.ServiceDate <= date && line.SupplyEnd >= date)
                {
                    return line;
                }
            }
        }

        return null;
    }

    public bool HasSupplyCovering(string ingredient, DateOnly date) => SupplyCovering(ingredient, date) is not null;

    /// <summary>
    /// Days an earlier supply of <paramref name="ingredient"/> still lasts after <paramref name="date"/>
    /// (0 when none does): a prescription with more than a few days left is a duplicate (重复开药).
    /// </summary>
    public int RemainingSupplyDays(string ingredient, DateOnly date) =>
        SupplyCovering(ingredient, date) is { } supply ? supply.SupplyEnd.DayNumber - date.DayNumber : 0;

    /// <summary>An earlier supply lasting on the line's date whose ingredient is contraindicated with the line's, or null.</summary>
    public HistoryLine? ContraindicatedSupply(LineFacts line)
    {
        if (!line.Item.HasContraindications)
        {
            return null;
        }

        foreach (var earlier in _history.Lines)
        {
            if (earlier.EncounterId != _request.Encounter.Id && earlier.ServiceDate <= line.ServiceDate && earlier.SupplyEnd >= line.ServiceDate
                && line.Item.ContraindicationWithIngredient(earlier.Ingredient).Listed)
            {
                return earlier;
            }
        }

        return null;
    }

    public bool HasContraindicatedSupply(LineFacts line) => ContraindicatedSupply(line) is not null;

    /// <summary>Units of <paramref name="itemCode"/> charged in earlier encounters within the <paramref name="days"/> days ending on <paramref name="date"/>.</summary>
    public double QuantityWithin(string itemCode, int days, DateOnly date)
    {
        _byItem ??= Index(static l => l.ItemCode);
        var total = 0.0;
        if (_byItem.TryGetValue(itemCode, out var lines))
        {
            var from = date.AddDays(1 - days);
            foreach (var line in lines)
            {
                if (line.ServiceDate >= from && line.ServiceDate <= date)
                {
                    total += line.Quantity;
                }
            }
        }

        return total;
    }

    /// <summary>Visits (encounters started) within the <paramref name="days"/> days ending on the request's date, this one included.</summary>
    public int VisitsWithin(int days)
    {
        var from = _request.ServiceDate.AddDays(1 - days);
        var count = 1;
        foreach (var encounter in Others())
        {
            if (encounter.StartDate >= from && encounter.StartDate <= _request.ServiceDate)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Distinct hospitals visited within the <paramref name="days"/> days ending on the request's date, this one included.</summary>
    public int HospitalsWithin(int days)
    {
        var from = _request.ServiceDate.AddDays(1 - days);
        var hospitals = new HashSet<string>(StringComparer.Ordinal) { _request.Encounter.HospitalId };
        foreach (var encounter in Others())
        {
            if (encounter.StartDate >= from && encounter.StartDate <= _request.ServiceDate)
            {
                hospitals.Add(encounter.HospitalId);
            }
        }

        return hospitals.Count;
    }

    /// <summary>
    /// The latest earlier inpatient stay discharged on or before this admission whose principal diagnosis is
    /// in the same ICD-10 category (first three characters) as this encounter's, or null.
    /// </summary>
    public HistoryEncounter? LastDischargeSameGroup => (_lastDischarge ??= new(FindLastDischargeSameGroup())).Value;

    private HistoryEncounter? FindLastDischargeSameGroup()
    {
        var group = _request.PrincipalDiagnosisGroup;
        var admitted = _request.Encounter.AdmissionDate ?? _request.ServiceDate;
        if (group.Length == 0)
        {
            return null;
        }

        HistoryEncounter? latest = null;
        foreach (var encounter in Others())
        {
            if (encounter.Kind == Audit.EncounterKind.Inpatient && encounter.EndDate is { } discharged && discharged <= admitted
                && encounter.DiagnosisCodes.Count > 0 && RequestFacts.DiagnosisGroup(encounter.DiagnosisCodes[0]) == group
                && (latest is null || discharged > latest.EndDate))
            {
                latest = encounter;
            }
        }

        return latest;
    }

    /// <summary>Days from the discharge of <see cref="LastDischargeSameGroup"/> to this admission; -1 when there is none.</summary>
    public int DaysSinceDischargeSameGroup =>
        LastDischargeSameGroup is { EndDate: { } discharged }
            ? (_request.Encounter.AdmissionDate ?? _request.ServiceDate).DayNumber - discharged.DayNumber
            : -1;

    /// <summary>True when this admission follows a discharge for the same diagnosis group within <paramref name="days"/> days (分解住院).</summary>
    public bool ReadmittedWithin(int days) => DaysSinceDischargeSameGroup is var gap && gap >= 0 && gap <= days;

    private IEnumerable<HistoryEncounter> Others()
    {
        foreach (var encounter in _history.Encounters)
        {
            if (encounter.EncounterId != _request.Encounter.Id)
            {
                yield return encounter;
            }
        }
    }

    private Dictionary<string, List<HistoryLine>> Index(Func<HistoryLine, string> key)
    {
        var index = new Dictionary<string, List<HistoryLine>>(StringComparer.Ordinal);
        foreach (var line in _history.Lines)
        {
            if (line.EncounterId == _request.Encounter.Id)
            {
                continue;
            }

            var k = key(line);
            if (k.Length == 0)
            {
                continue;
            }

            if (!index.TryGetValue(k, out var list))
            {
                index[k] = list = [];
            }

            list.Add(line);
        }

        return index;
    }
}
