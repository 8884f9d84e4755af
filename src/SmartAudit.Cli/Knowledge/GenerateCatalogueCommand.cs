using SmartAudit.Core.Knowledge;

namespace SmartAudit.Cli.Knowledge;

/// <summary><c>smartaudit kb generate</c>: the national-style catalogue beside the hand-written knowledge base.</summary>
internal sealed class GenerateCatalogueCommand : Command
{
    /// <summary>The parameters the shipped <c>rules/kb/*.generated.csv</c> were made with.</summary>
    public const int ShippedSeed = 20261123, ShippedItems = 50_000;

    public override string Group => "kb";

    public override string Name => "generate";

    public override string Arguments => "[--out <kb dir>] [--items N] [--seed S]";

    public override string Summary => "Generate the national-style catalogue (*.generated.csv) beside the hand-written tables.";

    public override string Details => $"""
        Writes one <table>.generated.csv per knowledge-base table into the kb folder, next to the
        hand-written <table>.csv files (whose item codes it never reuses). Deterministic: the same seed,
        size and hand-written catalogue give byte-identical files.
        Defaults (the shipped catalogue): --out rules/kb, --items {ShippedItems}, --seed {ShippedSeed}.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var output = Path.Combine("rules", "kb");
        int items = ShippedItems, seed = ShippedSeed;
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--out" when hasValue: output = args[++i]; break;
                case "--items" when hasValue && int.TryParse(args[i + 1], out items) && items is > 0 and <= 2_000_000: i++; break;
                case "--seed" when hasValue && int.TryParse(args[i + 1], out seed): i++; break;
                default: return UsageError(stderr, $"unexpected '{args[i]}'");
            }
        }

        if (!Directory.Exists(output))
        {
            stderr.WriteLine($"{output}: no such folder (the kb folder of a rule set)");
            return ExitCodes.Problems;
        }

        var files = Generate(output, items, seed);
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            File.WriteAllText(Path.Combine(output, name), content);
            stdout.WriteLine($"{Path.Combine(output, name)}: {content.Count(c => c == '\n') - 1:N0} rows");
        }

        return ExitCodes.Success;
    }

    /// <summary>The generated files for a kb folder, reserving the codes of its hand-written catalogue.</summary>
    public static IReadOnlyDictionary<string, string> Generate(string kbFolder, int items, int seed)
    {
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        var handWritten = Path.Combine(kbFolder, Path.GetFileName(KnowledgeTable.Catalogue.FileName));
        if (File.Exists(handWritten))
        {
            foreach (var line in File.ReadLines(handWritten).Skip(1))
            {
                reserved.Add(line.Split(',', 2)[0].Trim());
            }
        }

        return new CatalogueGenerator(seed, items, reserved).Generate();
    }
}
