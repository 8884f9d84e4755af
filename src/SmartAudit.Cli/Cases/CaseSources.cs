using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SmartAudit.Cli.Kafka;
using SmartAudit.Core.Cases;
using SmartAudit.Kafka;
using SmartAudit.Kafka.Cases;

namespace SmartAudit.Cli.Cases;

/// <summary>
/// Where the case commands find cases and their decisions: the three topics (read like a rebuild), or JSON-lines
/// files (the embedded server's <c>var/case-decisions.jsonl</c> and an export of cases), applied to a store the
/// same way either way (<see cref="CaseReplay"/>).
/// </summary>
internal static class CaseSources
{
    public const string KafkaUsage = """
        --kafka         host:port,… of the brokers (also --bootstrap; else Kafka__BootstrapServers). Security
                        settings and topic names come from the server's settings as environment variables:
                        Kafka__SecurityProtocol, Kafka__SaslPassword, Kafka__DecisionsTopic,
                        Kafka__CaseDecisionsTopic, CaseIntake__CasesTopic, and the policy that raises cases
                        from PRE/MID decisions: CaseIntake__PreMidActionAtLeast (BLOCK),
                        CaseIntake__FraudScoreAtLeast (0.8) (see docs/configuration.md).
        """;

    /// <summary>The intake settings from the environment (<c>CaseIntake__…</c>), or null with the problems on <paramref name="stderr"/>.</summary>
    public static CaseIntakeOptions? LoadIntake(TextWriter stderr)
    {
        var options = new CaseIntakeOptions();
        try
        {
            new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(CaseIntakeOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: {CaseIntakeOptions.SectionName}: {ex.Message}");
            return null;
        }

        var problems = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            return options;
        }

        foreach (var problem in problems)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: {CaseIntakeOptions.SectionName}:{string.Join(",", problem.MemberNames)}: {problem.ErrorMessage}");
        }

        return null;
    }

    /// <summary>Rebuilds <paramref name="store"/> from the topics; null (with the reason on <paramref name="stderr"/>) when they cannot be read.</summary>
    public static async Task<CaseRebuildReport?> RebuildAsync(KafkaOptions kafka, CaseIntakeOptions intake, ICaseStore store, TextWriter stderr)
    {
        try
        {
            return await new CaseRebuilder(kafka, intake, NullLogger.Instance).RebuildAsync(store, CancellationToken.None);
        }
        catch (KafkaException ex)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: could not read the case topics from {kafka.BootstrapServers}: {ex.Error.Reason}");
            return null;
        }
    }

    /// <summary>
    /// Adds every case of <paramref name="casesFile"/> (one <c>smartaudit.case.v1</c> per line) to the store, then applies
    /// every decision of <paramref name="decisionsFile"/> (one <c>smartaudit.case-decision.v1</c> per line) in sequence per case.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is not a case or a decision: the message names the file and the line.</exception>
    public static async Task<CaseReplay> ReadFilesAsync(string casesFile, string decisionsFile, ICaseStore store)
    {
        var replay = new CaseReplay(store, new CasePolicy());
        foreach (var record in ReadLines(casesFile, CaseJsonContext.ReadCase, CheckCase))
        {
            await replay.AddCaseAsync(record, CancellationToken.None);
        }

        var decisions = ReadLines(decisionsFile, CaseJsonContext.ReadDecision, CheckDecision);
        foreach (var decision in decisions.OrderBy(d => d.CaseId, StringComparer.Ordinal).ThenBy(d => d.Sequence))
        {
            await replay.AppendAsync(decision, CancellationToken.None);
        }

        return replay;
    }

    private delegate T Parse<out T>(ReadOnlySpan<byte> json);

    private static string? CheckCase(CaseRecord record) =>
        record.Schema != CaseRecord.SchemaV1 ? $"not a {CaseRecord.SchemaV1} record (schema: {record.Schema ?? "none"})"
        : string.IsNullOrEmpty(record.CaseId) ? "caseId is missing"
        : record.Lines is null || record.Findings is null ? "lines or findings are missing"
        : null;

    private static string? CheckDecision(CaseDecision decision) =>
        decision.Schema != CaseDecision.SchemaV1 ? $"not a {CaseDecision.SchemaV1} record (schema: {decision.Schema ?? "none"})"
        : string.IsNullOrEmpty(decision.CaseId) ? "caseId is missing"
        : decision.Sequence < 1 ? $"sequence {decision.Sequence}: decisions are numbered from 1"
        : null;

    private static List<T> ReadLines<T>(string path, Parse<T> parse, Func<T, string?> check)
    {
        var items = new List<T>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            T item;
            try
            {
                item = parse(System.Text.Encoding.UTF8.GetBytes(line));
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                throw new InvalidDataException($"{path}: line {number}: {ex.Message}", ex);
            }

            if (check(item) is { } problem)
            {
                throw new InvalidDataException($"{path}: line {number}: {problem}");
            }

            items.Add(item);
        }

        return items;
    }
}
