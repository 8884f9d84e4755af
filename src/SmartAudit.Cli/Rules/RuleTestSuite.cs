using System.Text.Json;
using Google.Protobuf;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Rules;

/// <summary>One example an auditor wrote for a rule: a request, and what that rule must find in it.</summary>
/// <remarks><see cref="History"/>: earlier settled requests of the same patient, recorded before the case runs.</remarks>
internal sealed record RuleTestCase(string File, string Name, string RuleId, CheckRequest Request, IReadOnlyList<ExpectedFinding> Expected,
    IReadOnlyList<CheckRequest> History);

/// <summary>A finding a case expects: the rule, the lines it names, and (when given) its severity.</summary>
internal sealed record ExpectedFinding(string RuleId, IReadOnlyList<string> LineIds, string? Severity)
{
    public override string ToString() =>
        $"{RuleId}{(Severity is null ? "" : " " + Severity)} lines [{string.Join(",", LineIds)}]";
}

/// <summary>What running one case gave.</summary>
internal sealed record RuleTestResult(RuleTestCase Case, bool Passed, IReadOnlyList<string> Actual, string? Error);

/// <summary>
/// Rule tests as data: every <c>tests/*.json</c> file beside the rules holds cases, each a request in the
/// contract's JSON form, the rule under test, and exactly the findings that rule must produce (an empty
/// list: it must stay silent). A case may give the patient's earlier encounters as <c>history</c>, a list of
/// requests in the same form, recorded as settled before the case runs. Requests go through the same
/// validation and mapping as the server's.
/// </summary>
internal static class RuleTestSuite
{
    public const string Folder = "tests";

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <summary>Reads every case; problems with the files themselves come back as messages naming file and case.</summary>
    public static List<RuleTestCase> Load(string ruleSetFolder, List<string> problems)
    {
        var cases = new List<RuleTestCase>();
        var folder = Path.Combine(ruleSetFolder, Folder);
        if (!Directory.Exists(folder))
        {
            problems.Add($"{folder}: no rule tests (a folder of *.json files with cases)");
            return cases;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                var index = 0;
                foreach (var element in document.RootElement.GetProperty("cases").EnumerateArray())
                {
                    index++;
                    var name = element.TryGetProperty("name", out var n) ? n.GetString() ?? $"case {index}" : $"case {index}";
                    try
                    {
                        cases.Add(ReadCase(path, name, element));
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or InvalidProtocolBufferException or FormatException)
                    {
                        problems.Add($"{path}: case '{name}': {ex.Message}");
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                problems.Add($"{path}: {ex.Message} (a test file is {{ \"cases\": [ {{ \"name\", \"rule\", \"request\", \"expect\" }} ] }})");
            }
        }

        return cases;
    }

    public static RuleTestResult Run(RuleTestCase testCase, RuleSet ruleSet, CheckRequestMapper mapper)
    {
        List<Core.Decisions.Finding> findings;
        try
        {
            findings = Findings(testCase, ruleSet, mapper);
        }
        catch (InvalidTestCaseException ex)
        {
            return new RuleTestResult(testCase, false, [], ex.Message);
        }

        var actual = findings
            .Select(f => new ExpectedFinding(f.RuleId, f.LineIds, f.Severity.ToString().ToUpperInvariant()))
            .ToList();
        var expected = testCase.Expected.Select(e => e.ToString()).Order(StringComparer.Ordinal).ToList();
        var got = actual.Select(a => (testCase.Expected.Any(e => e.Severity is not null) ? a : a with { Severity = null }).ToString())
            .Order(StringComparer.Ordinal).ToList();
        return new RuleTestResult(testCase, expected.SequenceEqual(got), got, null);
    }

    /// <summary>
    /// The findings of the case's rule on the case's request, after recording the case's history.
    /// </summary>
    /// <exception cref="InvalidTestCaseException">The request or a history request does not pass validation.</exception>
    public static List<Core.Decisions.Finding> Findings(RuleTestCase testCase, RuleSet ruleSet, CheckRequestMapper mapper)
    {
        var history = PatientHistory.Empty;
        var options = new HistoryOptions();
        foreach (var earlier in testCase.History)
        {
            var mapped = mapper.TryMap(earlier, out var historyViolations);
            if (mapped is null)
            {
                throw new InvalidTestCaseException($"a history request ({earlier.RequestId}) is invalid: {Reasons(historyViolations)}");
            }

            history = HistoryTrimming.Merge(history, HistoryEntry.From(mapped, ruleSet.Knowledge), options);
        }

        var request = mapper.TryMap(testCase.Request, out var violations)
            ?? throw new InvalidTestCaseException($"the request is invalid: {Reasons(violations)}");
        return [.. AuditEngine.Evaluate(ruleSet, request, history, null).Findings.Where(f => f.RuleId == testCase.RuleId)];
    }

    private static string Reasons(Google.Rpc.BadRequest violations) =>
        string.Join("; ", violations.FieldViolations.Select(v => $"{v.Field} {v.Description}"));

    private static RuleTestCase ReadCase(string path, string name, JsonElement element)
    {
        var rule = element.GetProperty("rule").GetString() ?? throw new FormatException("rule is missing");
        var request = Parser.Parse<CheckRequest>(element.GetProperty("request").GetRawText());
        var expected = element.GetProperty("expect").EnumerateArray().Select(e => new ExpectedFinding(
            e.TryGetProperty("ruleId", out var id) ? id.GetString()! : rule,
            [.. e.GetProperty("lineIds").EnumerateArray().Select(l => l.GetString()!)],
            e.TryGetProperty("severity", out var severity) ? severity.GetString() : null)).ToList();
        if (expected.Any(e => e.RuleId != rule))
        {
            throw new FormatException($"expect names another rule than '{rule}': a case tests one rule");
        }

        var history = element.TryGetProperty("history", out var earlier)
            ? earlier.EnumerateArray().Select(e => Parser.Parse<CheckRequest>(e.GetRawText())).ToList()
            : [];
        return new RuleTestCase(path, name, rule, request, expected, history);
    }
}

/// <summary>A case whose request cannot be audited: it is reported as a failure with the reason.</summary>
internal sealed class InvalidTestCaseException(string message) : Exception(message);
