using System.Diagnostics;
using SmartAudit.Fraud.Simulation;
using SmartAudit.Fraud.Training;

namespace SmartAudit.Cli.Model;

/// <summary><c>smartaudit model train</c>: trains the fraud model and writes it with its model card.</summary>
internal sealed class TrainModelCommand : Command
{
    public override string Group => "model";

    public override string Name => "train";

    public override string Arguments => "--data <claims.jsonl> --out <model.zip> [--rules <dir>] [--trainer auto|fasttree|lightgbm] [--trees N] [--leaves N]";

    public override string Summary => "Train the fraud model on labelled claims; write the model and its card (metrics, how to reproduce).";

    public override string Details => """
        --data     labelled claims from 'smartaudit claims simulate' (its manifest beside it, if any, goes in the card).
        --out      the model file; the card is written beside it as <name>.card.md and <name>.card.json.
        --rules    the rule set whose findings are features and the rules-only baseline (default: rules).
        --trainer  auto (default) compares FastTree and LightGBM on the validation period and keeps the
                   better; fasttree or lightgbm trains only that one.
        --trees, --leaves  size of the ensemble (default 60 trees of 16 leaves); scoring cost grows
                   with trees x depth, see docs/model.md.
        The claims are split by settlement date: training, validation, test (the last sixth).
        Single-threaded and seeded: the same data gives the same metrics.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? data = null, output = null;
        var rulesPath = "rules";
        var trainer = "auto";
        var defaults = new TrainingOptions();
        int trees = defaults.Trees, leaves = defaults.Leaves;
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--data" when hasValue: data = args[++i]; break;
                case "--out" when hasValue: output = args[++i]; break;
                case "--rules" when hasValue: rulesPath = args[++i]; break;
                case "--trainer" when hasValue && args[i + 1] is "auto" or "fasttree" or "lightgbm": trainer = args[++i]; break;
                case "--trees" when hasValue && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out trees) && trees is >= 1 and <= 5000: i++; break;
                case "--leaves" when hasValue && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out leaves) && leaves is >= 2 and <= 1024: i++; break;
                default: return UsageError(stderr, $"unexpected or invalid '{args[i]}'");
            }
        }

        if (data is null || output is null)
        {
            return UsageError(stderr, data is null ? "--data is missing" : "--out is missing");
        }

        if (!File.Exists(data))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: data file not found: {data}");
            return ExitCodes.Usage;
        }

        if (LoadRuleSet(rulesPath, stderr) is not { } loaded)
        {
            return ExitCodes.Problems;
        }

        List<SimulatedClaim> claims;
        try
        {
            using var reader = new StreamReader(data);
            claims = SimulatedClaimsFile.Read(reader);
        }
        catch (InvalidDataException ex)
        {
            stderr.WriteLine($"{data}: {ex.Message}");
            return ExitCodes.Problems;
        }

        var started = Stopwatch.GetTimestamp();
        // A console tool has no synchronization context: waiting here cannot deadlock.
        var examples = TrainingExample.ReplayAsync(claims, loaded.RuleSet, CancellationToken.None).GetAwaiter().GetResult();
        var options = defaults with
        {
            Name = Path.GetFileNameWithoutExtension(output),
            Trees = trees,
            Leaves = leaves,
            Trainers = trainer switch
            {
                "fasttree" => [TrainerKind.FastTree],
                "lightgbm" => [TrainerKind.LightGbm],
                _ => [TrainerKind.FastTree, TrainerKind.LightGbm],
            },
        };
        TrainingReport report;
        try
        {
            report = new ModelTrainer(options).Train(examples, output, TimeProvider.System);
        }
        catch (InvalidOperationException ex)
        {
            stderr.WriteLine($"{data}: {ex.Message}");
            return ExitCodes.Problems;
        }

        var manifest = DataManifest.ReadBeside(data);
        var card = ModelCard.From(report, output, data, manifest, examples, Reproduce(manifest, data, output, rulesPath, trainer, options, defaults));
        File.WriteAllText(ModelCard.CardPath(output, "json"), card.ToJson());
        File.WriteAllText(ModelCard.CardPath(output, "md"), card.ToMarkdown());

        stdout.WriteLine($"model {card.Version} ({card.Trainer}) written to {output} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; card: {ModelCard.CardPath(output, "md")}");
        stdout.WriteLine($"test period {report.Split.TestFrom:yyyy-MM-dd}..{report.Split.Last:yyyy-MM-dd}: {report.TestClaims:N0} claims, {report.Model.Positives:N0} labelled fraud");
        stdout.WriteLine($"  model      AUC {report.Model.Auc:0.000}  PR-AUC {report.Model.PrAuc:0.000}  P@1% {report.Model.Top1Percent.Precision:0.000}  P@5% {report.Model.Top5Percent.Precision:0.000}  R@5% {report.Model.Top5Percent.Recall:0.000}");
        stdout.WriteLine($"  rules only AUC {report.RulesOnly.Auc:0.000}  PR-AUC {report.RulesOnly.PrAuc:0.000}  P@1% {report.RulesOnly.Top1Percent.Precision:0.000}  P@5% {report.RulesOnly.Top5Percent.Precision:0.000}  R@5% {report.RulesOnly.Top5Percent.Recall:0.000}");
        return ExitCodes.Success;
    }

    private static string[] Reproduce(DataManifest? manifest, string data, string output, string rules, string trainer, TrainingOptions options, TrainingOptions defaults)
    {
        const string Tool = "dotnet run --project src/SmartAudit.Cli -c Release --";
        var rulesArgument = rules == "rules" ? string.Empty : $" --rules {rules}";
        var size = (options.Trees == defaults.Trees ? string.Empty : $" --trees {options.Trees}")
            + (options.Leaves == defaults.Leaves ? string.Empty : $" --leaves {options.Leaves}");
        var train = $"{Tool} model train --data {data} --out {output}{rulesArgument}{(trainer == "auto" ? string.Empty : $" --trainer {trainer}")}{size}";
        return manifest is null
            ? [train]
            : [$"{Tool} claims simulate --seed {manifest.Seed} --patients {manifest.Patients} --hospitals {manifest.Hospitals} --start {manifest.StartDate:yyyy-MM-dd} --days {manifest.Days}{rulesArgument} --out {data}", train];
    }
}
