using SmartAudit.Cli.Cases;
using SmartAudit.Cli.Kafka;
using SmartAudit.Core.Cases;
using SmartAudit.Fraud.Simulation;

namespace SmartAudit.Cli.Model;

/// <summary>
/// <c>smartaudit model export-labels</c>: the fraud team's final outcomes as labelled claims in the format
/// <c>model train --data</c> reads, from the topics or from JSON-lines files.
/// </summary>
internal sealed class ExportLabelsCommand : Command
{
    public override string Group => "model";

    public override string Name => "export-labels";

    public override string Arguments => "(--kafka <servers> | --cases-file <cases.jsonl> --decisions-file <case-decisions.jsonl>) --out <labels.jsonl>";

    public override string Summary => "Export reviewed cases as labelled claims for 'model train' (confirmed 1, false positive 0).";

    public override string Details => $"""
        --cases-file      cases, one smartaudit.case.v1 record per line (an export of the cases topic or
                          of the workbench's cases).
        --decisions-file  case decisions, one smartaudit.case-decision.v1 record per line: the embedded
                          server's var/case-decisions.jsonl. Both files, or --kafka, which reads the three
                          topics like 'cases rebuild' does.
        --out             the labelled claims, one per line, in settlement order: 'model train --data'.
        {CaseSources.KafkaUsage}
        Each case's final outcome is its latest second review or reversal: CONFIRMED gives label 1,
        FALSE_POSITIVE label 0; cases needing information or not decided yet are skipped. A case keeps
        the claim's encounter and lines, not the patient's sex or birth date, diagnoses, dates or doses:
        the rows carry 'unknown' for those (docs/model.md), and the pattern None.
        Exit codes: 0 written; 1 an input line is not a case or a decision (file and line named), or a
        topic could not be read; 2 usage or a file not found.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? bootstrap = null, casesFile = null, decisionsFile = null, output = null;
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--kafka" or "--bootstrap" when hasValue: bootstrap = args[++i]; break;
                case "--cases-file" when hasValue: casesFile = args[++i]; break;
                case "--decisions-file" when hasValue: decisionsFile = args[++i]; break;
                case "--out" when hasValue: output = args[++i]; break;
                default: return UsageError(stderr, $"unexpected or incomplete '{args[i]}'");
            }
        }

        var fromFiles = casesFile is not null || decisionsFile is not null;
        if (output is null)
        {
            return UsageError(stderr, "--out is missing");
        }

        if (fromFiles == (bootstrap is not null) || (fromFiles && (casesFile is null || decisionsFile is null)))
        {
            return UsageError(stderr, "give either --kafka, or both --cases-file and --decisions-file");
        }

        if (fromFiles && new[] { casesFile!, decisionsFile! }.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: file not found: {missing}");
            return ExitCodes.Usage;
        }

        // A console tool has no synchronization context: waiting here cannot deadlock.
        return RunAsync(bootstrap, casesFile, decisionsFile, output, stdout, stderr).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string? bootstrap, string? casesFile, string? decisionsFile, string output, TextWriter stdout, TextWriter stderr)
    {
        var store = new InMemoryCaseStore();
        CaseReplayTally tally;
        List<SimulatedClaim> rows;
        LabelCounts counts;
        try
        {
            if (bootstrap is not null)
            {
                if (KafkaSettings.Load(bootstrap, stderr) is not { } kafka || CaseSources.LoadIntake(stderr) is not { } intake)
                {
                    return ExitCodes.Usage;
                }

                if (await CaseSources.RebuildAsync(kafka, intake, store, stderr) is not { } report)
                {
                    return ExitCodes.Problems;
                }

                tally = report.Outcomes;
            }
            else
            {
                tally = (await CaseSources.ReadFilesAsync(casesFile!, decisionsFile!, store)).Tally;
            }

            (rows, counts) = await CaseLabels.FromAsync(store);
        }
        catch (InvalidDataException ex)
        {
            stderr.WriteLine(ex.Message);
            return ExitCodes.Problems;
        }

        if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        using (var writer = new StreamWriter(output))
        {
            SimulatedClaimsFile.Write(writer, rows);
        }

        stdout.WriteLine($"{rows.Count:N0} labelled claims written to {output}: {counts.Confirmed:N0} confirmed (label 1), {counts.FalsePositive:N0} false positive (label 0)");
        stdout.WriteLine($"skipped: {counts.NeedsInformation:N0} needing information, {counts.Undecided:N0} not decided yet");
        var orphans = tally[CaseReplayOutcome.CaseMissing];
        if (orphans > 0)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: warning: {orphans:N0} decisions name a case not in the input; they were left out");
        }

        return ExitCodes.Success;
    }
}
