using System.Globalization;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Pages;

/// <summary>The queue's filters as they come in the query string (<c>?hospital=H001&amp;status=Confirmed&amp;page=2</c>), shared by the queue and its CSV export.</summary>
public sealed class QueueFilter
{
    public string? Hospital { get; set; }
    public string? Doctor { get; set; }
    public string? Rule { get; set; }
    public string? Stage { get; set; }
    public StatusFilter Status { get; set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public int Page { get; set; } = 1;

    public static readonly string[] Stages = ["PRE", "MID", "POST"];

    /// <summary>The filter as a store query; a problem (dates the wrong way round, unknown stage) as a message for the field.</summary>
    public (CaseQuery? Query, string? Field, string? Problem) ToQuery(int pageSize = CaseQuery.DefaultPageSize)
    {
        if (From is { } from && To is { } to && to < from)
        {
            return (null, "to", $"the end date {to:yyyy-MM-dd} is before the start date {from:yyyy-MM-dd}");
        }

        var stage = Blank(Stage)?.ToUpperInvariant();
        if (stage is not null && Array.IndexOf(Stages, stage) < 0)
        {
            return (null, "stage", $"'{Stage}' is not PRE, MID or POST");
        }

        return (new CaseQuery
        {
            HospitalId = Blank(Hospital),
            DoctorId = Blank(Doctor),
            RuleId = Blank(Rule),
            Stage = stage,
            Status = Status,
            From = From,
            To = To,
            Page = Math.Max(1, Page),
            PageSize = pageSize,
        }, null, null);
    }

    /// <summary>The filter as query-string values for links (paging, export), leaving out what is not set.</summary>
    public Dictionary<string, string> RouteValues(int? page = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(values, "hospital", Blank(Hospital));
        Add(values, "doctor", Blank(Doctor));
        Add(values, "rule", Blank(Rule));
        Add(values, "stage", Blank(Stage));
        Add(values, "status", Status == StatusFilter.Open ? null : Status.ToString());
        Add(values, "from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(values, "to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(values, "page", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null);
        return values;
    }

    private static void Add(Dictionary<string, string> values, string key, string? value)
    {
        if (value is not null)
        {
            values[key] = value;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
