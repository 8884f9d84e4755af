using SmartAudit.Core.Rules;
using SmartAudit.Embedded.Rules;

namespace SmartAudit.Cli.Rules;

/// <summary>
/// <c>smartaudit rules validate &lt;dir&gt;</c>: compiles a rule-set folder exactly as the service would load
/// it. A valid set gets a short summary on stdout; an invalid one gets every problem on stderr as
/// <c>dir/file:line: rule: message</c>, so that an editor or CI log jumps straight to the rule.
/// </summary>
internal sealed class ValidateCommand : Command
{
    public override string Group => "rules";

    public override string Name => "validate";

    public override string Arguments => "<dir>";

    public override string Summary => "Compile a rule-set folder and report every problem with its file, rule and line.";

    public override string Details => """
        <dir> is a rule-set folder: ruleset.json, workflows/*.json and kb/*.csv.

        Valid: prints the rule set's id and version, its rules by category and its
        knowledge-base tables, and exits 0.
        Invalid: prints each problem to stderr as 'file:line: rule: message', then the
        number of problems, and exits 1. A folder that does not exist exits 2.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.FirstOrDefault(a => a.StartsWith('-') && a != "-") is { } option)
        {
            return UsageError(stderr, $"unknown option '{option}'");
        }

        if (args.Count != 1)
        {
            return UsageError(stderr, args.Count == 0 ? "the rule-set folder is missing" : "give one rule-set folder");
        }

        var folder = args[0];
        if (!Directory.Exists(folder))
        {
            stderr.WriteLine(File.Exists(folder)
                ? $"{CommandLine.ToolName}: {folder} is a file; give the rule-set folder that holds ruleset.json"
                : $"{CommandLine.ToolName}: rule-set folder not found: {folder}");
            return ExitCodes.Usage;
        }

        RuleSetSource source;
        try
        {
            source = RuleSetDirectory.Read(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: cannot read {folder}: {ex.Message}");
            return ExitCodes.Usage;
        }

        RuleSetCompilation compilation;
        try
        {
            compilation = RuleSetCompiler.Compile(source);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The compiler is meant to report every problem with its place; this is a gap in it, but the
            // auditor still needs to know the set is refused, without a stack trace.
            stderr.WriteLine($"{folder}: the rule set was refused by an error the compiler could not locate: {ex.Message}");
            stderr.WriteLine("1 problem");
            return ExitCodes.Problems;
        }

        if (!compilation.Succeeded)
        {
            WriteProblems(stderr, folder, compilation.Problems);
            return ExitCodes.Problems;
        }

        WriteSummary(stdout, folder, compilation.RuleSet!);
        return ExitCodes.Success;
    }

    private static void WriteProblems(TextWriter stderr, string folder, IReadOnlyList<RuleSetProblem> problems)
    {
        foreach (var problem in problems)
        {
            stderr.WriteLine(problem with { File = Path.Join(folder, problem.File) });
        }

        stderr.WriteLine(problems.Count == 1 ? "1 problem" : $"{problems.Count} problems");
    }

    private static void WriteSummary(TextWriter stdout, string folder, RuleSet ruleSet)
    {
        stdout.WriteLine($"{folder}: rule set {ruleSet.Id} {ruleSet.SemanticVersion} is valid (version {ruleSet.Version})");

        var silent = ruleSet.Rules.Count(r => r.Mode == RuleMode.Silent);
        stdout.WriteLine(silent == 0 ? $"{Count(ruleSet.Rules.Count, "rule")}:" : $"{Count(ruleSet.Rules.Count, "rule")} ({silent} silent):");
        var categories = ruleSet.Rules
            .GroupBy(r => r.Category, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .ToList();
        WriteColumns(stdout, categories, null);

        var tables = ruleSet.Knowledge.TableRowCounts
            .Where(t => t.Key != Core.Knowledge.KnowledgeTable.Catalogue.Name)
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (t.Key, t.Value))
            .ToList();
        stdout.WriteLine($"catalogue: {Count(ruleSet.Knowledge.ItemCount, "item")}");
        stdout.WriteLine($"{Count(tables.Count, "table")}:");
        WriteColumns(stdout, tables, "row");
    }

    private static void WriteColumns(TextWriter writer, List<(string Name, int Count)> rows, string? unit)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var width = rows.Max(r => r.Name.Length);
        foreach (var (name, count) in rows)
        {
            writer.WriteLine(unit is null ? $"  {name.PadRight(width)}  {count,4}" : $"  {name.PadRight(width)}  {Count(count, unit)}");
        }
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
