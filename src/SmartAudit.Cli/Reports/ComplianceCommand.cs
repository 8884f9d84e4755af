using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Cli.Kafka;
using SmartAudit.Core.Decisions;
using SmartAudit.Kafka.Compliance;

namespace SmartAudit.Cli.Reports;

/// <summary>
/// <c>smartaudit report compliance --from --to</c>: the pre-alert compliance rate and override counts by
/// hospital, department, doctor and rule, computed from the decisions and feedback topics.
/// </summary>
internal sealed class ComplianceCommand : Command
{
    private static readonly string[] AllGroups = ["hospital", "department", "doctor", "rule"];

    public override string Group => "report";

    public override string Name => "compliance";

    public override string Arguments => "--from <yyyy-MM-dd> --to <yyyy-MM-dd> [--bootstrap <servers>] [--by hospital,department,doctor,rule] [--json] [--inferred-out <file>]";

    public override string Summary => "Pre-alert compliance (reminders followed / reminders) and overrides by reason, from the Kafka topics.";

    public override string Details => $"""
        --from, --to    first and last day of the period, in the fund's calendar (both included).
        --utc-offset    the fund's calendar, as +hh:mm (default +08:00).
        --follow-up     hours after the period in which feedback and changed orders still count (default 24).
        --by            which tables to print (default: all four).
        --json          the whole report as JSON instead of tables.
        --inferred-out  write the inferred "changed" feedback records (smartaudit.feedback.v1, inferred: true)
                        as JSON lines: one per reminder followed without explicit feedback.
        {KafkaSettings.Usage}

        A reminder is one rule's active findings on a PRE decision. It is followed when the doctor sent
        CHANGED feedback, or sent the order for the same encounter again without the flagged item (or with
        the item no longer flagged by that rule): inferred. The latest explicit feedback wins.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? from = null, to = null, bootstrap = null, inferredOut = null;
        var offset = TimeSpan.FromHours(8);
        var followUp = ComplianceWindow.DefaultFollowUp;
        var groups = AllGroups;
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--from" when hasValue: from = args[++i]; break;
                case "--to" when hasValue: to = args[++i]; break;
                case "--bootstrap" when hasValue: bootstrap = args[++i]; break;
                case "--inferred-out" when hasValue: inferredOut = args[++i]; break;
                case "--json": json = true; break;
                case "--utc-offset" when hasValue && TryParseOffset(args[i + 1], out offset): i++; break;
                case "--follow-up" when hasValue && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var hours) && hours >= 0:
                    followUp = TimeSpan.FromHours(hours);
                    i++;
                    break;
                case "--by" when hasValue && args[i + 1].Split(',').All(g => AllGroups.Contains(g)):
                    groups = args[++i].Split(',');
                    break;
                default: return UsageError(stderr, $"unexpected '{args[i]}'");
            }
        }

        if (!TryParseDay(from, out var first) || !TryParseDay(to, out var last))
        {
            return UsageError(stderr, "--from and --to are required, as yyyy-MM-dd");
        }

        if (last < first)
        {
            return UsageError(stderr, $"--to {to} is before --from {from}");
        }

        var options = KafkaSettings.Load(bootstrap, stderr);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        ComplianceReport report;
        try
        {
            var reader = new ComplianceReader(Options.Create(options), NullLogger<ComplianceReader>.Instance);
            report = reader.Read(ComplianceWindow.Days(first, last, offset, followUp), CancellationToken.None);
        }
        catch (KafkaException ex)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: could not read {options.DecisionsTopic} and {options.FeedbackTopic} from {options.BootstrapServers}: {ex.Error.Reason}");
            return ExitCodes.Problems;
        }

        if (inferredOut is not null)
        {
            WriteInferred(inferredOut, report.InferredFeedback);
        }

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(report, ComplianceJsonContext.Default.ComplianceReport));
        }
        else
        {
            ComplianceText.Write(stdout, report, groups, options.DecisionsTopic, options.FeedbackTopic);
        }

        return ExitCodes.Success;
    }

    private static void WriteInferred(string path, IReadOnlyList<FeedbackRecord> records)
    {
        using var file = File.Create(path);
        foreach (var record in records)
        {
            file.Write(DecisionJsonContext.ToUtf8(record));
            file.WriteByte((byte)'\n');
        }
    }

    private static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static bool TryParseOffset(string text, out TimeSpan offset)
    {
        var parsed = TimeSpan.TryParseExact(text.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out offset);
        offset = text.StartsWith('-') ? -offset : offset;
        return parsed;
    }
}
