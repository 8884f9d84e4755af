using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>
/// What a rule expression sees of the whole request, as <c>ctx</c>. Derived values (age, length of stay)
/// are computed once per request here, so that expressions stay short and cheap.
/// </summary>
public sealed class RequestFacts
{
    internal RequestFacts(AuditRequest request)
    {
        Request = request;
        var serviceDate = DateOnly.MaxValue;
        foreach (var line in request.Lines)
        {
            if (line.ServiceDate < serviceDate)
            {
                serviceDate = line.ServiceDate;
            }
        }

        ServiceDate = serviceDate == DateOnly.MaxValue ? request.Encounter.AdmissionDate ?? DateOnly.MinValue : serviceDate;
        AgeYears = AgeInYears(request.Patient.BirthDate, ServiceDate);
        AgeDays = ServiceDate.DayNumber - request.Patient.BirthDate.DayNumber;
    }

    internal AuditRequest Request { get; }

    public Stage Stage => Request.Stage;

    public Patient Patient => Request.Patient;

    public Encounter Encounter => Request.Encounter;

    /// <summary>The earliest service date among the lines: the date the request is judged on.</summary>
    public DateOnly ServiceDate { get; }

    /// <summary>Age in completed years at <see cref="ServiceDate"/>. Line rules use <see cref="LineFacts.AgeYears"/>.</summary>
    public int AgeYears { get; }

    /// <summary>Age in days at <see cref="ServiceDate"/>. Line rules use <see cref="LineFacts.AgeDays"/>.</summary>
    public int AgeDays { get; }

    public int LineCount => Request.Lines.Count;

    /// <summary>True when any diagnosis code starts with <paramref name="icdPrefix"/> (e.g. "E11" for type 2 diabetes).</summary>
    public bool HasDiagnosis(string icdPrefix)
    {
        foreach (var code in Request.Encounter.DiagnosisCodes)
        {
            if (code.StartsWith(icdPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal static int AgeInYears(DateOnly birth, DateOnly on)
    {
        var age = on.Year - birth.Year;
        if (on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day))
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
    internal LineFacts(OrderLine line, int index, KbItem item, DateOnly birthDate)
    {
        Line = line;
        Index = index;
        Item = item;
        AgeYears = RequestFacts.AgeInYears(birthDate, line.ServiceDate);
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
    public int AgeYears { get; }

    /// <summary>The patient's age in days on this line's service date.</summary>
    public int AgeDays { get; }
}
