using System.Globalization;
using SmartAudit.Fraud.Simulation;
using SmartAudit.Fraud.Training;

namespace SmartAudit.Cli.Claims;

/// <summary><c>smartaudit claims simulate</c>: labelled claims for training and testing the fraud model.</summary>
internal sealed class SimulateClaimsCommand : Command
{
    public override string Group => "claims";

    public override string Name => "simulate";

    public override string Arguments => "--out <file> [--seed S] [--patients N] [--hospitals N] [--start yyyy-MM-dd] [--days N] [--rules <dir>]";

    public override string Summary => "Simulate labelled settled claims (normal care, fraud patterns, honest oddities) for the fraud model.";

    public override string Details => """
        Writes JSON lines, one claim per line: {"request": <the audit request>, "pattern": ..., "label": ...},
        in settlement order, and <file>.manifest.json with the options and the file's sha256.
        Deterministic: the same options and catalogue give the same file, byte for byte.
        Items, names, kinds, dose limits and price caps come from the rule set's knowledge base.
        Defaults: --seed 42, --patients 16000, --hospitals 48, --start 2025-09-01, --days 181, --rules rules.
        docs/model.md describes the population, the care and the fraud patterns.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? output = null;
        var rulesPath = "rules";
        var options = new SimulationOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            var value = hasValue ? args[i + 1] : string.Empty;
            switch (args[i])
            {
                case "--out" when hasValue: output = args[++i]; break;
                case "--rules" when hasValue: rulesPath = args[++i]; break;
                case "--seed" when hasValue && int.TryParse(value, CultureInfo.InvariantCulture, out var seed): options = options with { Seed = seed }; i++; break;
                case "--patients" when hasValue && int.TryParse(value, CultureInfo.InvariantCulture, out var patients) && patients > 0: options = options with { Patients = patients }; i++; break;
                case "--hospitals" when hasValue && int.TryParse(value, CultureInfo.InvariantCulture, out var hospitals) && hospitals >= 9: options = options with { Hospitals = hospitals }; i++; break;
                case "--days" when hasValue && int.TryParse(value, CultureInfo.InvariantCulture, out var days) && days >= 30: options = options with { Days = days }; i++; break;
                case "--start" when hasValue && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start): options = options with { StartDate = start }; i++; break;
                default: return UsageError(stderr, $"unexpected or invalid '{args[i]}' (--hospitals needs 9 or more, --days 30 or more)");
            }
        }

        if (output is null)
        {
            return UsageError(stderr, "--out is missing");
        }

        if (LoadRuleSet(rulesPath, stderr) is not { } loaded)
        {
            return ExitCodes.Problems;
        }

        var claims = new ClaimsSimulator(loaded.RuleSet.Knowledge, options).Run();
        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using (var writer = new StreamWriter(output))
        {
            SimulatedClaimsFile.Write(writer, claims);
        }

        DataManifest.For(options, loaded.RuleSet.Version, claims.Count, output).Write(output);
        stdout.WriteLine($"wrote {claims.Count:N0} claims ({options.StartDate:yyyy-MM-dd}, {options.Days} days, seed {options.Seed}) to {output}");
        foreach (var group in claims.GroupBy(c => c.Pattern).OrderBy(g => g.Key))
        {
            stdout.WriteLine($"  {group.Key,-15} {group.Count(),8:N0} claims, {group.Count(c => c.Label),7:N0} labelled fraud");
        }

        return ExitCodes.Success;
    }
}
