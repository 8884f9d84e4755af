using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Rules;

/// <summary>
/// <c>smartaudit rules diff &lt;old&gt; &lt;new&gt;</c>: what a reviewer of a rule change needs to see — rules
/// and knowledge-base rows added, removed and changed, each with what changed.
/// </summary>
internal sealed class DiffCommand : Command
{
    public override string Group => "rules";

    public override string Name => "diff";

    public override string Arguments => "<old> <new>";

    public override string Summary => "Show the rules and table rows added, removed and changed between two rule sets.";

    public override string Details => """
        <old> and <new> are rule-set folders or bundles. Each difference is one line:
        '+' added, '-' removed, '~' changed, then the rule id or table and item code,
        and what it is or what changed (old → new). Exits 0 whether or not they differ;
        1 when either set does not compile; 2 when one is missing.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count != 2 || args.Any(a => a.StartsWith('-')))
        {
            return UsageError(stderr, "give the old and the new rule set");
        }

        var sides = new List<(RuleSetSource Source, RuleSet Set)>();
        foreach (var path in args)
        {
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                stderr.WriteLine($"{CommandLine.ToolName}: rule set not found: {path}");
                return ExitCodes.Usage;
            }

            if (LoadRuleSet(path, stderr) is not { } side)
            {
                return ExitCodes.Problems;
            }

            sides.Add(side);
        }

        var (before, after) = (sides[0], sides[1]);
        stdout.WriteLine($"{before.Set.Id} {before.Set.Version} → {after.Set.Id} {after.Set.Version}");
        var changes = RuleSetDiff.Compare(before.Set, before.Source, after.Set, after.Source);
        foreach (var change in changes)
        {
            var mark = change.Kind switch { "added" => "+", "removed" => "-", _ => "~" };
            var what = change.What == "rule" ? $"rule {change.Key}" : $"{change.What}.csv {change.Key}";
            stdout.WriteLine($"{mark} {what}: {change.Detail}");
        }

        var rules = changes.Count(c => c.What == "rule");
        var rows = changes.Count - rules;
        stdout.WriteLine(changes.Count == 0
            ? "no differences"
            : $"{rules} rule{(rules == 1 ? "" : "s")} and {rows} table row{(rows == 1 ? "" : "s")} differ");
        return ExitCodes.Success;
    }
}
