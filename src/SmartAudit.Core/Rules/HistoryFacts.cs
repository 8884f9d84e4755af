using System.Runtime.CompilerServices;
using SmartAudit.Core.History;

namespace SmartAudit.Core.Rules;

/// <summary>
/// What a rule expression sees of the patient's earlier encounters, as <c>ctx.History</c>: questions a
/// cross-visit rule asks, answered from the history read once for the request. The request's own encounter
/// is left out (a settlement re-sent is not its own duplicate). The first few questions by ingredient or item
/// scan the lines directly; only a request that asks more builds an index, so a short request against a
/// short history allocates nothing, and requests whose rules never ask cost nothing.
/// </summary>
public sealed class HistoryFacts
{
    /// <summary>Questions by ingredient (or by item) answered by a direct scan before the lines are indexed.</summary>
    private const int ScansBeforeIndex = 4;

    /// <summary>Distinct hospitals counted in a fixed buffer before <see cref="HospitalsWithin"/> falls back to a set.</summary>
    private const int InlineHospitals = 8;

    private readonly PatientHistory _history;
    private readonly RequestFacts _request;
    private Dictionary<string, List<HistoryLine>>? _byIngredient;
    private Dictionary<string, List<HistoryLine>>? _byItem;
    private int _ingredientScans, _itemScans;

    // A rule that fires asks its messages the same question as its expression: the last answer is kept.
    private string? _supplyIngredient;
    private DateOnly _supplyDate;
    private HistoryLine? _supply;
    private LineFacts? _contraindicatedLine;
    private HistoryLine? _contraindicated;

    // The expression and both messages of a split-hospitalisation rule ask for it: found once per request.
    private StrongBox<HistoryEncounter?>? _lastDischarge;

    internal HistoryFacts(PatientHistory history, RequestFacts request)
    {
        _history = history;
        _request = request;
    }

    /// <summary>Earlier encounters held for the patient (the current one excluded).</summary>
    public int EncounterCount
    {
        get
        {
            var count = 0;
            var encounters = _history.Encounters;
            for (var i = 0; i < encounters.Count; i++)
            {
                if (IsOther(encounters[i]))
                {
                    count++;
                }
            }

            return count;
        }
    }

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

        if (_supplyIngredient is not null && date == _supplyDate && string.Equals(ingredient, _supplyIngredient, StringComparison.Ordinal))
        {
            return _supply;
        }

        var supply = FindSupplyCovering(ingredient, date);
        (_supplyIngredient, _supplyDate, _supply) = (ingredient, date, supply);
        return supply;
    }

    private HistoryLine? FindSupplyCovering(string ingredient, DateOnly date)
    {
        if (_byIngredient is null && _ingredientScans < ScansBeforeIndex)
        {
            _ingredientScans++;
            var all = _history.Lines;
            for (var i = 0; i < all.Count; i++)
            {
                var line = all[i];
                if (line.EncounterId != _request.Encounter.Id && string.Equals(line.Ingredient, ingredient, StringComparison.Ordinal)
                    && line.ServiceDate <= date && line.SupplyEnd >= date)
                {
                    return line;
                }
            }

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

        if (ReferenceEquals(line, _contraindicatedLine))
        {
            return _contraindicated;
        }

        HistoryLine? found = null;
        var all = _history.Lines;
        for (var i = 0; i < all.Count; i++)
        {
            var earlier = all[i];
            if (earlier.EncounterId != _request.Encounter.Id && earlier.ServiceDate <= line.ServiceDate && earlier.SupplyEnd >= line.ServiceDate
                && line.Item.ContraindicationWithIngredient(earlier.Ingredient).Listed)
            {
                found = earlier;
                break;
            }
        }

        (_contraindicatedLine, _contraindicated) = (line, found);
        return found;
    }

    public bool HasContraindicatedSupply(LineFacts line) => ContraindicatedSupply(line) is not null;

    /// <summary>Units of <paramref name="itemCode"/> charged in earlier encounters within the <paramref name="days"/> days ending on <paramref name="date"/>.</summary>
    public double QuantityWithin(string itemCode, int days, DateOnly date)
    {
        var total = 0.0;
        if (_byItem is null && _itemScans < ScansBeforeIndex)
        {
            _itemScans++;
            if (itemCode.Length == 0)
            {
                return total;
            }

            // The same lines in the same order as the index would give, so the same sum.
            DateOnly? from = null;
            var all = _history.Lines;
            for (var i = 0; i < all.Count; i++)
            {
                var line = all[i];
                if (line.EncounterId == _request.Encounter.Id || !string.Equals(line.ItemCode, itemCode, StringComparison.Ordinal))
                {
                    continue;
                }

                from ??= date.AddDays(1 - days);
                if (line.ServiceDate >= from && line.ServiceDate <= date)
                {
                    total += line.Quantity;
                }
            }

            return total;
        }

        _byItem ??= Index(static l => l.ItemCode);
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
        var to = _request.ServiceDate;
        var from = to.AddDays(1 - days);
        var count = 1;
        var encounters = _history.Encounters;
        for (int i = 0, n = encounters.Count; i < n; i++)
        {
            var encounter = encounters[i];
            if (encounter.StartDate >= from && encounter.StartDate <= to && IsOther(encounter))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Distinct hospitals visited within the <paramref name="days"/> days ending on the request's date, this one included.</summary>
    public int HospitalsWithin(int days)
    {
        var to = _request.ServiceDate;
        var from = to.AddDays(1 - days);
        // Distinct by ordinal equality, as a set would count them; a set only once the few distinct ones overflow.
        var distinct = default(HospitalBuffer);
        distinct[0] = _request.Encounter.HospitalId;
        var count = 1;
        HashSet<string>? hospitals = null;
        var encounters = _history.Encounters;
        for (int i = 0, n = encounters.Count; i < n; i++)
        {
            var encounter = encounters[i];
            if (encounter.StartDate < from || encounter.StartDate > to || !IsOther(encounter))
            {
                continue;
            }

            if (hospitals is not null)
            {
                hospitals.Add(encounter.HospitalId);
                continue;
            }

            if (((ReadOnlySpan<string>)distinct)[..count].Contains(encounter.HospitalId))
            {
                continue;
            }

            if (count == InlineHospitals)
            {
                hospitals = new HashSet<string>(((ReadOnlySpan<string>)distinct).ToArray(), StringComparer.Ordinal) { encounter.HospitalId };
                continue;
            }

            distinct[count++] = encounter.HospitalId;
        }

        return hospitals?.Count ?? count;
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
        var encounters = _history.Encounters;
        for (int i = 0, n = encounters.Count; i < n; i++)
        {
            var encounter = encounters[i];
            if (encounter.Kind == Audit.EncounterKind.Inpatient && encounter.EndDate is { } discharged && discharged <= admitted && IsOther(encounter)
                && encounter.DiagnosisCodes.Count > 0 && RequestFacts.IsDiagnosisGroup(encounter.DiagnosisCodes[0], group)
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

    /// <summary>False for the request's own encounter (a settlement re-sent is not its own history).</summary>
    private bool IsOther(HistoryEncounter encounter) => encounter.EncounterId != _request.Encounter.Id;

    private Dictionary<string, List<HistoryLine>> Index(Func<HistoryLine, string> key)
    {
        var index = new Dictionary<string, List<HistoryLine>>(StringComparer.Ordinal);
        var all = _history.Lines;
        for (var i = 0; i < all.Count; i++)
        {
            var line = all[i];
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

    [InlineArray(InlineHospitals)]
    private struct HospitalBuffer
    {
        private string _first;
    }
}
