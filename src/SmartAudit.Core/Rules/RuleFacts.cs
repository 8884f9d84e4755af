using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>
/// What a rule expression sees of the whole request, as <c>ctx</c>. Derived values (age, length of stay)
/// are computed once per request here, so that expressions stay short and cheap.
/// </summary>
public sealed class RequestFacts
{
    private readonly KnowledgeBase? _knowledge;
    private readonly HistoryFacts? _history;
    private readonly string? _historyUnavailable;
    private LineFacts[] _lines = [];
    private RunningTotals? _totals;
    private string? _principalDiagnosisGroup;
    private int? _ageYears;

    /// <param name="request">The request.</param>
    /// <param name="knowledge">The knowledge base (for request-wide lookups such as chronic conditions).</param>
    /// <param name="history">The patient's history; null when the store could not answer.</param>
    /// <param name="historyUnavailable">Why there is no history: rules that ask for it are skipped with this reason.</param>
    internal RequestFacts(AuditRequest request, KnowledgeBase? knowledge = null, PatientHistory? history = null, string? historyUnavailable = null)
    {
        Request = request;
        _knowledge = knowledge;
        _historyUnavailable = historyUnavailable;
        _history = historyUnavailable is null ? new HistoryFacts(history ?? PatientHistory.Empty, this) : null;
        var serviceDate = DateOnly.MaxValue;
        var lines = request.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].ServiceDate < serviceDate)
            {
                serviceDate = lines[i].ServiceDate;
            }
        }

        ServiceDate = serviceDate == DateOnly.MaxValue ? request.Encounter.AdmissionDate ?? DateOnly.MinValue : serviceDate;
        AgeDays = ServiceDate.DayNumber - request.Patient.BirthDate.DayNumber;
    }

    internal AuditRequest Request { get; }

    public Stage Stage => Request.Stage;

    public Patient Patient => Request.Patient;

    public Encounter Encounter => Request.Encounter;

    /// <summary>The earliest service date among the lines: the date the request is judged on.</summary>
    public DateOnly ServiceDate { get; }

    /// <summary>Age in completed years at <see cref="ServiceDate"/>. Line rules use <see cref="LineFacts.AgeYears"/>.</summary>
    /// <remarks>Worked out on first use: splitting dates into years, months and days is not free, and few rules ask.</remarks>
    public int AgeYears => _ageYears ??= AgeInYears(Request.Patient.BirthDate, ServiceDate);

    /// <summary>Age in days at <see cref="ServiceDate"/>. Line rules use <see cref="LineFacts.AgeDays"/>.</summary>
    public int AgeDays { get; }

    public int LineCount => Request.Lines.Count;

    /// <summary>
    /// The patient's earlier encounters. A rule that reads it while the history store is unavailable is
    /// skipped (never fired), and the decision says so in <c>degraded</c>.
    /// </summary>
    /// <exception cref="HistoryUnavailableException">The history store could not answer for this request.</exception>
    public HistoryFacts History => _history ?? throw new HistoryUnavailableException(_historyUnavailable!);

    /// <summary>ICD-10 category (first three characters, e.g. "I63") of the principal (first) diagnosis; empty without diagnoses.</summary>
    /// <remarks>Worked out on first use: only the rules about readmissions ask.</remarks>
    public string PrincipalDiagnosisGroup => _principalDiagnosisGroup ??=
        Request.Encounter.DiagnosisCodes.Count > 0 ? DiagnosisGroup(Request.Encounter.DiagnosisCodes[0]) : string.Empty;

    /// <summary>The diagnosis codes as one text for messages.</summary>
    public string DiagnosisText => string.Join(',', Request.Encounter.DiagnosisCodes);

    /// <summary>
    /// Days in hospital for an inpatient stay (住院天数): discharge minus admission (at least 1); for a stay not
    /// yet discharged, up to the latest line's date, counting the admission day. 0 outside inpatient care.
    /// </summary>
    public int StayDays
    {
        get
        {
            if (Request.Encounter.Kind != EncounterKind.Inpatient || Request.Encounter.AdmissionDate is not { } admitted)
            {
                return 0;
            }

            if (Request.Encounter.DischargeDate is { } discharged)
            {
                return Math.Max(discharged.DayNumber - admitted.DayNumber, 1);
            }

            var latest = admitted;
            var lines = Request.Lines;
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].ServiceDate > latest)
                {
                    latest = lines[i].ServiceDate;
                }
            }

            return latest.DayNumber - admitted.DayNumber + 1;
        }
    }

    /// <summary>The admission date as text for messages; empty when there is none.</summary>
    public string AdmissionText => Request.Encounter.AdmissionDate is { } admitted ? DateText.Format(admitted) : string.Empty;

    /// <summary>The discharge date as text for messages; "(not discharged)" when the stay goes on.</summary>
    public string DischargeText => Request.Encounter.DischargeDate is { } discharged ? DateText.Format(discharged) : "-";

    /// <summary>True for a date before the admission or after the discharge of an inpatient stay (超住院期间收费).</summary>
    public bool IsOutsideStay(DateOnly date) =>
        Request.Encounter.AdmissionDate is { } admitted
        && (date < admitted || (Request.Encounter.DischargeDate is { } discharged && date > discharged));

    /// <summary>True when a diagnosis is a registered chronic condition (门诊慢特病) in the knowledge base.</summary>
    public bool HasChronicCondition
    {
        get
        {
            if (_knowledge is null)
            {
                return false;
            }

            return HasAnyDiagnosis(_knowledge.ChronicConditionPrefixes);
        }
    }

    /// <summary>True when any diagnosis starts with any of <paramref name="icdPrefixes"/>.</summary>
    public bool HasAnyDiagnosis(IReadOnlyList<string> icdPrefixes)
    {
        for (var i = 0; i < icdPrefixes.Count; i++)
        {
            if (HasDiagnosis(icdPrefixes[i]))
            {
                return true;
            }
        }

        return false;
    }

    internal ReadOnlySpan<LineFacts> Lines => _lines;

    internal void Attach(LineFacts[] lines) => _lines = lines;

    internal RunningTotals Totals => _totals ??= new RunningTotals(_lines);

    /// <summary>The ICD-10 category of a code: its first three characters, upper case ("i63.9" → "I63").</summary>
    public static string DiagnosisGroup(string code) =>
        code.Length <= 3 ? code.ToUpperInvariant() : code[..3].ToUpperInvariant();

    /// <summary>
    /// <c>DiagnosisGroup(code) == group</c> without building the group: ASCII codes are compared in place,
    /// anything else the long way.
    /// </summary>
    internal static bool IsDiagnosisGroup(string code, string group)
    {
        var length = Math.Min(code.Length, 3);
        for (var i = 0; i < length; i++)
        {
            if (!char.IsAscii(code[i]))
            {
                return DiagnosisGroup(code) == group;
            }
        }

        if (length != group.Length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            if (char.ToUpperInvariant(code[i]) != group[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when any diagnosis code starts with <paramref name="icdPrefix"/> (e.g. "E11" for type 2 diabetes).</summary>
    public bool HasDiagnosis(string icdPrefix)
    {
        var codes = Request.Encounter.DiagnosisCodes;
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i].StartsWith(icdPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal static int AgeInYears(DateOnly birth, DateOnly on)
    {
        // Each of Year, Month and Day splits the date anew: split each date once.
        var (onYear, onMonth, onDay) = on;
        var (birthYear, birthMonth, birthDay) = birth;
        var age = onYear - birthYear;
        if (onMonth < birthMonth || (onMonth == birthMonth && onDay < birthDay))
        {
            age--;
        }

        return Math.Max(age, 0);
    }
}

/// <summary>
/// What a rule expression sees of one order line, as <c>line</c> (or <c>a</c> and <c>b</c> in pair
/// rules): the line's own values and <see cref="Item"/>, the knowledge base's entry for its item code.
/// </summary>
public sealed class LineFacts
{
    private readonly RequestFacts _request;
    private int? _ageYears;

    internal LineFacts(OrderLine line, int index, KbItem item, RequestFacts request)
    {
        Line = line;
        Index = index;
        Item = item;
        _request = request;
        var birthDate = request.Patient.BirthDate;
        AgeDays = line.ServiceDate.DayNumber - birthDate.DayNumber;
    }

    internal OrderLine Line { get; }

    /// <summary>Position of the line in the request, from 0.</summary>
    public int Index { get; }

    /// <summary>The knowledge base's entry for the item code; <see cref="KbItem.Unknown"/> when there is none.</summary>
    public KbItem Item { get; }

    public string LineId => Line.LineId;

    public string ItemCode => Line.ItemCode;

    public ItemKind ItemKind => Line.ItemKind;

    /// <summary>The catalogue's name for the item, or the HIS's name when the catalogue has none.</summary>
    public string Name => Item.Name.Length > 0 ? Item.Name : Line.Name.Length > 0 ? Line.Name : Line.ItemCode;

    /// <summary>The catalogue's English name, falling back to <see cref="Name"/>.</summary>
    public string NameEn => Item.NameEn.Length > 0 ? Item.NameEn : Name;

    public double Quantity => Line.Quantity;

    public long UnitPriceFen => Line.UnitPriceFen;

    public long AmountFen => Line.AmountFen;

    public double DailyDose => Line.DailyDose;

    public int DaysOfSupply => Line.DaysOfSupply;

    public DateOnly ServiceDate => Line.ServiceDate;

    /// <summary>The patient's age in completed years on this line's service date (a stay can cross a birthday).</summary>
    /// <remarks>Worked out on first use: only the age rules ask.</remarks>
    public int AgeYears => _ageYears ??= RequestFacts.AgeInYears(_request.Patient.BirthDate, Line.ServiceDate);

    /// <summary>The patient's age in days on this line's service date.</summary>
    public int AgeDays { get; }

    /// <summary>Modifiers the HIS attached to the line, as one text for messages.</summary>
    public string ModifierText => string.Join(',', Line.Modifiers);

    /// <summary>True when the line carries the modifier <paramref name="code"/>.</summary>
    public bool HasModifier(string code)
    {
        var modifiers = Line.Modifiers;
        for (var i = 0; i < modifiers.Count; i++)
        {
            if (string.Equals(modifiers[i], code, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Units of this item charged on this line's date in the request, up to and including this line.</summary>
    public double DayQuantityUpToHere => _request.Totals.ItemDay(Index);

    /// <summary>Units of this item charged in the request within the <paramref name="days"/> days ending on this line's date, up to and including this line.</summary>
    public double QuantityWithinUpToHere(int days) => _request.Totals.ItemWithin(Index, days);

    /// <summary>Per-diem units (bed-days or nursing-days, as <see cref="KbItem.PerDiemUnit"/>) charged in the request up to and including this line.</summary>
    public double PerDiemUpToHere => _request.Totals.PerDiem(Index);

    /// <summary>
    /// True when a running total first goes over <paramref name="limit"/> on this line: the line that
    /// crosses the limit is the one named, once, however many lines follow.
    /// </summary>
    public bool Crosses(double totalUpToHere, double limit) => totalUpToHere > limit && totalUpToHere - Quantity <= limit;
}

/// <summary>
/// Running totals over a request's lines, computed on first use by a rule that asks. A short request adds
/// up the lines before each one directly; a long one builds a table of every line's total once.
/// </summary>
internal sealed class RunningTotals(LineFacts[] lines)
{
    /// <summary>Requests up to this many lines are summed directly, without a table.</summary>
    private const int DirectSumLimit = 32;

    private double[]? _itemDay;
    private double[]? _perDiem;

    public double ItemDay(int index)
    {
        if (lines.Length <= DirectSumLimit)
        {
            // The same running sum, added in the same order, as the table below.
            var line = lines[index];
            var total = 0.0;
            for (var i = 0; i <= index; i++)
            {
                if (lines[i].ServiceDate == line.ServiceDate && string.Equals(lines[i].ItemCode, line.ItemCode, StringComparison.Ordinal))
                {
                    total += lines[i].Quantity;
                }
            }

            return total;
        }

        if (_itemDay is null)
        {
            var totals = new Dictionary<(string, DateOnly), double>();
            var result = new double[lines.Length];
            for (var i = 0; i < lines.Length; i++)
            {
                var key = (lines[i].ItemCode, lines[i].ServiceDate);
                result[i] = totals[key] = totals.GetValueOrDefault(key) + lines[i].Quantity;
            }

            _itemDay = result;
        }

        return _itemDay[index];
    }

    public double ItemWithin(int index, int days)
    {
        var line = lines[index];
        var from = line.ServiceDate.AddDays(1 - days);
        var total = 0.0;
        for (var i = 0; i <= index; i++)
        {
            var other = lines[i];
            if (other.ItemCode == line.ItemCode && other.ServiceDate >= from && other.ServiceDate <= line.ServiceDate)
            {
                total += other.Quantity;
            }
        }

        return total;
    }

    public double PerDiem(int index)
    {
        if (lines.Length <= DirectSumLimit)
        {
            var unit = lines[index].Item.PerDiemUnit;
            var total = 0.0;
            if (unit.Length == 0)
            {
                return total;
            }

            for (var i = 0; i <= index; i++)
            {
                if (string.Equals(lines[i].Item.PerDiemUnit, unit, StringComparison.Ordinal))
                {
                    total += lines[i].Quantity;
                }
            }

            return total;
        }

        if (_perDiem is null)
        {
            var totals = new Dictionary<string, double>(StringComparer.Ordinal);
            var result = new double[lines.Length];
            for (var i = 0; i < lines.Length; i++)
            {
                var unit = lines[i].Item.PerDiemUnit;
                if (unit.Length > 0)
                {
                    result[i] = totals[unit] = totals.GetValueOrDefault(unit) + lines[i].Quantity;
                }
            }

            _perDiem = result;
        }

        return _perDiem[index];
    }
}
