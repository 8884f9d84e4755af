using System.Globalization;
using SmartAudit.Kafka.Compliance;

namespace SmartAudit.Cli.Reports;

/// <summary>The compliance report as Markdown tables: the total, then one table per grouping asked for.</summary>
internal static class ComplianceText
{
    private const string Columns = " | reminders | followed | of which inferred | rate | overridden | dismissed | no response | overrides by reason |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |";

    public static void Write(TextWriter stdout, ComplianceReport report, IReadOnlyList<string> groups, string decisionsTopic, string feedbackTopic)
    {
        var window = report.Window;
        var inputs = report.Inputs;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Pre-alert compliance {window.From:yyyy-MM-dd} to {window.To.AddDays(-1):yyyy-MM-dd} (UTC{window.From:zzz}); feedback and changed orders counted until {window.ReadUntil:yyyy-MM-dd HH:mm}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Read {inputs.Decisions:N0} decisions ({inputs.PreDecisions:N0} distinct PRE) from {decisionsTopic} and {inputs.Feedback:N0} feedback records from {feedbackTopic}"));
        if (inputs.UnmatchedFeedback > 0 || inputs.Unreadable > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{inputs.UnmatchedFeedback:N0} feedback records about no reminder of the period; {inputs.Unreadable:N0} records unreadable (unknown schema or bad JSON)"));
        }

        stdout.WriteLine();
        Table(stdout, "total", [report.Total]);
        foreach (var group in groups)
        {
            stdout.WriteLine();
            stdout.WriteLine($"By {group}");
            stdout.WriteLine();
            Table(stdout, group, group switch
            {
                "hospital" => report.ByHospital,
                "department" => report.ByDepartment,
                "doctor" => report.ByDoctor,
                _ => report.ByRule,
            });
        }
    }

    private static void Table(TextWriter stdout, string keyName, IReadOnlyList<ComplianceRow> rows)
    {
        stdout.WriteLine("| " + keyName + Columns);
        foreach (var row in rows)
        {
            var rate = row.ComplianceRate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r * 100:0.0}%") : "-";
            var reasons = string.Join(", ", row.OverridesByReason.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N0}")));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(row.Key.Length == 0 ? "(none)" : row.Key)} | {row.Reminders:N0} | {row.Followed:N0} | {row.FollowedInferred:N0} | {rate} | {row.Overridden:N0} | {row.Dismissed:N0} | {row.NoResponse:N0} | {reasons} |"));
        }
    }
}
