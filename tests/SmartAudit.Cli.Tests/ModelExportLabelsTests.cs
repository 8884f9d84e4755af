using SmartAudit.Core.Audit;
using SmartAudit.Core.Cases;
using SmartAudit.Fraud.Simulation;
using SmartAudit.Testing;
using TestCases = SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Cli.Tests;

/// <summary><c>smartaudit model export-labels</c> from JSON-lines files, without Kafka, and its rows trained on.</summary>
public sealed class ModelExportLabelsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smartaudit-labels-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ExportLabels_FromFiles_TheFinalOutcomeOfEachDecidedCase()
    {
        var (cases, decisions) = Files(CaseHistory.CasesJsonLines(), CaseHistory.DecisionsJsonLines(CaseHistory.CaseDecisions()));
        var output = Path.Combine(_folder, "out", "labels.jsonl");

        var run = Cli.Run("model", "export-labels", "--cases-file", cases, "--decisions-file", decisions, "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr);
        Assert.Contains("3 labelled claims written", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 confirmed (label 1), 2 false positive (label 0)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("skipped: 0 needing information, 1 not decided yet", run.Stdout, StringComparison.Ordinal); // PRE-1 is not in the cases file
        Assert.Contains("2 decisions name a case not in the input", run.Stderr, StringComparison.Ordinal);
        using var reader = new StreamReader(output);
        var rows = SimulatedClaimsFile.Read(reader);
        Assert.Equal([("C3", true), ("C1", false), ("C2", false)], rows.Select(r => (r.Request.RequestId, r.Label)));
        var claim = rows[1].Request;
        Assert.Equal(["1", "2"], claim.Lines.Select(l => l.LineId));
        Assert.Equal([10000L, 5000L], claim.Lines.Select(l => l.AmountFen));
        Assert.Equal(ItemKind.Drug, claim.Lines[0].ItemKind);
        Assert.Equal(new DateOnly(2026, 3, 10), claim.Lines[0].ServiceDate);
        Assert.Equal(("H001", 2, "D001"), (claim.Encounter.HospitalId, claim.Encounter.HospitalLevel, claim.Encounter.DoctorId));
        Assert.Equal((Sex)0, claim.Patient.Sex); // not in a case record: unknown, never guessed
        Assert.All(rows, r => Assert.Equal(FraudPattern.None, r.Pattern));
    }

    [Fact]
    public void ExportedLabels_TrainAModel()
    {
        var records = new List<CaseRecord>();
        var decisions = new List<CaseDecision>();
        var random = new Random(7);
        for (var i = 0; i < 360; i++)
        {
            var fraud = random.NextDouble() < 0.3;
            var record = TestCases.Flagged($"C{i:000}", score: fraud ? 0.8 : 0.3, hospitalId: $"H{i % 6}", doctorId: $"D{i % 13}",
                at: TestCases.FlaggedAt.AddDays(i / 4), patientId: $"P{i % 90}");
            var first = CaseWorkflow.Decide(new CaseFile(record, []), TestCases.FirstReview(fraud ? CaseOutcome.Confirmed : CaseOutcome.FalsePositive),
                TestCases.ReviewerWang, record.FlaggedAt.AddHours(1));
            var second = CaseWorkflow.Decide(new CaseFile(record, [first]), TestCases.SecondReview(fraud ? CaseOutcome.Confirmed : CaseOutcome.FalsePositive),
                TestCases.LeadLi, record.FlaggedAt.AddHours(2));
            records.Add(record);
            decisions.AddRange([first, second]);
        }

        var cases = Path.Combine(_folder, "cases.jsonl");
        File.WriteAllLines(cases, records.Select(r => System.Text.Encoding.UTF8.GetString(CaseJsonContext.ToUtf8(r))));
        var (_, decisionsFile) = Files(string.Empty, CaseHistory.DecisionsJsonLines(decisions));
        var labels = Path.Combine(_folder, "labels.jsonl");

        var export = Cli.Run("model", "export-labels", "--cases-file", cases, "--decisions-file", decisionsFile, "--out", labels);
        var train = Cli.Run("model", "train", "--data", labels, "--out", Path.Combine(_folder, "reviewed.zip"), "--rules", ShippedRules.Folder,
            "--trainer", "fasttree", "--trees", "5", "--leaves", "4");

        Assert.True(export.ExitCode == ExitCodes.Success, export.Stderr);
        Assert.Contains("360 labelled claims written", export.Stdout, StringComparison.Ordinal);
        Assert.True(train.ExitCode == ExitCodes.Success, train.Stderr);
        Assert.Contains("model reviewed+", train.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportLabels_BadDecisionLine_NamesTheFileAndLine_Exits1()
    {
        var good = CaseHistory.DecisionsJsonLines(CaseHistory.CaseDecisions().Take(1));
        var (cases, decisions) = Files(CaseHistory.CasesJsonLines(), good + "{\"schema\": \"smartaudit.case-decision.v1\", \"step\": \"APPEAL\"}\n");

        var run = Cli.Run("model", "export-labels", "--cases-file", cases, "--decisions-file", decisions, "--out", Path.Combine(_folder, "l.jsonl"));

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.StartsWith($"{decisions}: line 2:", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "l.jsonl")));
    }

    [Fact]
    public void ExportLabels_ACaseLineOfAnotherSchema_NamesTheFileAndLine_Exits1()
    {
        var (cases, decisions) = Files("\n" + CaseHistory.DecisionsJsonLines(CaseHistory.CaseDecisions().Take(1)), string.Empty);

        var run = Cli.Run("model", "export-labels", "--cases-file", cases, "--decisions-file", decisions, "--out", Path.Combine(_folder, "l.jsonl"));

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.StartsWith($"{cases}: line 2: not a smartaudit.case.v1 record (schema: smartaudit.case-decision.v1)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportLabels_FileNotFound_Exits2()
    {
        var (cases, _) = Files(CaseHistory.CasesJsonLines(), string.Empty);

        var run = Cli.Run("model", "export-labels", "--cases-file", cases, "--decisions-file", Path.Combine(_folder, "none.jsonl"), "--out", Path.Combine(_folder, "l.jsonl"));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("file not found", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportLabels_OnlyACasesFile_UsageError()
    {
        var (cases, _) = Files(CaseHistory.CasesJsonLines(), string.Empty);

        var run = Cli.Run("model", "export-labels", "--cases-file", cases, "--out", Path.Combine(_folder, "l.jsonl"));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("give either --kafka, or both --cases-file and --decisions-file", run.Stderr, StringComparison.Ordinal);
    }

    private (string Cases, string Decisions) Files(string cases, string decisions)
    {
        var casesPath = Path.Combine(_folder, $"cases-{Guid.NewGuid():N}.jsonl");
        var decisionsPath = Path.Combine(_folder, $"case-decisions-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(casesPath, cases);
        File.WriteAllText(decisionsPath, decisions);
        return (casesPath, decisionsPath);
    }
}
