using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Pages;

/// <summary>
/// The current filtered queue as CSV (UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese),
/// every matching case in queue order, not just the page on screen.
/// </summary>
public sealed class ExportModel(ICaseStore store) : WorkbenchPage
{
    /// <summary>Most rows one export returns.</summary>
    public const int MaxRows = 100_000;

    public static readonly string[] Columns =
    [
        "case_id", "risk", "flagged_at", "stage", "hospital_id", "department", "doctor_id", "patient_id", "rule_ids", "top_severity",
        "fraud_score", "claim_amount_yuan", "flagged_amount_yuan", "status", "assigned_to", "deduct_yuan",
    ];

    public async Task<IActionResult> OnGetAsync([FromQuery] QueueFilter filter, CancellationToken cancellationToken)
    {
        var (query, field, problem) = filter.ToQuery(CaseQuery.MaxPageSize);
        if (query is null)
        {
            return BadRequest($"{field}: {problem}");
        }

        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns).Append("\r\n");
        var rows = 0;
        try
        {
            for (var page = 1; rows < MaxRows; page++)
            {
                var result = await store.QueryAsync(query with { Page = page }, cancellationToken);
                foreach (var c in result.Items)
                {
                    Row(csv, c);
                    rows++;
                }

                if (page >= result.Pages)
                {
                    break;
                }
            }
        }
        catch (CaseStoreUnavailableException ex)
        {
            return StatusCode(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }

        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
        return File(bytes, "text/csv; charset=utf-8", $"smartaudit-cases-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv");
    }

    private static void Row(StringBuilder csv, CaseSummary c)
    {
        string[] cells =
        [
            c.CaseId, c.Risk.ToString(CultureInfo.InvariantCulture), c.FlaggedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), c.Stage,
            c.HospitalId, c.Department, c.DoctorId, c.PatientId, string.Join(' ', c.RuleIds), c.TopSeverity,
            c.FraudScore?.ToString("0.0000", CultureInfo.InvariantCulture) ?? string.Empty, Yuan(c.ClaimAmountFen), Yuan(c.FlaggedAmountFen),
            c.Status.ToString(), c.AssignedTo ?? string.Empty, Yuan(c.DeductFen),
        ];
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            csv.Append(Escape(cells[i]));
        }

        csv.Append("\r\n");
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula.</summary>
    internal static string Escape(string cell)
    {
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            cell = "'" + cell;
        }

        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
