using Google.Protobuf;
using SmartAudit.Embedded.Rules;

namespace SmartAudit.Cli.Claims;

/// <summary><c>smartaudit claims generate</c>: a file of demo settled claims for backtests.</summary>
internal sealed class GenerateClaimsCommand : Command
{
    public override string Group => "claims";

    public override string Name => "generate";

    public override string Arguments => "--out <file> [--count N] [--seed S] [--rules <dir>] [--month yyyy-MM]";

    public override string Summary => "Write demo settled claims (JSON lines in the request format) for backtests.";

    public override string Details => """
        Deterministic: the same seed, count, month and catalogue give the same file.
        Defaults: --count 100000, --seed 1, --rules rules, --month 2026-02.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? output = null;
        string rules = "rules", month = "2026-02";
        int count = 100_000, seed = 1;
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--out" when hasValue: output = args[++i]; break;
                case "--rules" when hasValue: rules = args[++i]; break;
                case "--month" when hasValue: month = args[++i]; break;
                case "--count" when hasValue && int.TryParse(args[i + 1], out count) && count > 0: i++; break;
                case "--seed" when hasValue && int.TryParse(args[i + 1], out seed): i++; break;
                default: return UsageError(stderr, $"unexpected '{args[i]}'");
            }
        }

        if (output is null)
        {
            return UsageError(stderr, "--out is missing");
        }

        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", out var first))
        {
            return UsageError(stderr, $"--month '{month}' is not yyyy-MM");
        }

        var compilation = RuleSetDirectory.Compile(rules);
        if (compilation.RuleSet is null)
        {
            stderr.WriteLine($"{rules} does not compile: run 'smartaudit rules validate {rules}'");
            return ExitCodes.Problems;
        }

        using var writer = new StreamWriter(output);
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default);
        var written = 0;
        foreach (var claim in new ClaimsGenerator(compilation.RuleSet, seed).Generate(count, first))
        {
            writer.WriteLine(formatter.Format(claim));
            written++;
        }

        stdout.WriteLine($"wrote {written:N0} claims for {month} to {output}");
        return ExitCodes.Success;
    }
}
