using SmartAudit.Contracts.Mapping;

namespace SmartAudit.Cli.Rules;

/// <summary>
/// <c>smartaudit rules test [dir]</c>: compiles the rule set and runs every case in <c>dir/tests/</c>,
/// printing pass or fail per rule with the expected and actual findings of each failing case. A rule
/// with no case that fires, or none that stays silent, fails too: every rule is shown both ways.
/// </summary>
internal sealed class TestCommand : Command
{
    public override string Group => "rules";

    public override string Name => "test";

    public override string Arguments => "[<dir>]";

    public override string Summary => "Run the rule tests in <dir>/tests/ and show, per rule, what passed and what did not.";

    public override string Details => """
        <dir> is a rule-set folder (default: rules). Each tests/*.json file holds
        { "cases": [ { "name", "rule", "request", "expect" } ] }: "request" is a
        CheckRequest in the contract's JSON form, "expect" the findings of "rule" it must
        give, each { "lineIds": [...], "severity": "BLOCK" } ("severity" optional);
        [] means the rule must stay silent. Exits 0 when every case passes and every
        rule has a firing and a silent case; 1 otherwise; 2 when the folder is missing.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.FirstOrDefault(a => a.StartsWith('-')) is { } option)
        {
            return UsageError(stderr, $"unknown option '{option}'");
        }

        if (args.Count > 1)
        {
            return UsageError(stderr, "give one rule-set folder");
        }

        var folder = args.Count == 1 ? args[0] : "rules";
        if (!Directory.Exists(folder))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: rule-set folder not found: {folder}");
            return ExitCodes.Usage;
        }

        if (LoadRuleSet(folder, stderr) is not var (_, ruleSet))
        {
            return ExitCodes.Problems;
        }

        var problems = new List<string>();
        var cases = RuleTestSuite.Load(folder, problems);
        var mapper = new CheckRequestMapper(RequestLimits.Default);
        var results = cases.Select(c => RuleTestSuite.Run(c, ruleSet, mapper)).ToList();
        var failed = 0;

        foreach (var rule in ruleSet.Rules.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var mine = results.Where(r => r.Case.RuleId == rule.Id).ToList();
            var firing = mine.Count(r => r.Case.Expected.Count > 0);
            var silent = mine.Count(r => r.Case.Expected.Count == 0);
            var bad = mine.Where(r => !r.Passed).ToList();
            var uncovered = firing == 0 ? "no case where it fires" : silent == 0 ? "no case where it stays silent" : null;
            var ok = bad.Count == 0 && uncovered is null;
            stdout.WriteLine($"{(ok ? "PASS" : "FAIL")}  {rule.Id,-12} {mine.Count - bad.Count}/{mine.Count} cases ({firing} firing, {silent} silent){(uncovered is null ? "" : ": " + uncovered)}");
            foreach (var result in bad)
            {
                stdout.WriteLine($"      {Path.GetFileName(result.Case.File)}: {result.Case.Name}");
                if (result.Error is not null)
                {
                    stdout.WriteLine($"        {result.Error}");
                    continue;
                }

                stdout.WriteLine($"        expected: {Describe(result.Case.Expected.Select(e => e.ToString()))}");
                stdout.WriteLine($"        actual:   {Describe(result.Actual)}");
            }

            failed += ok ? 0 : 1;
        }

        foreach (var orphan in results.Where(r => ruleSet.Rules.All(d => d.Id != r.Case.RuleId)))
        {
            problems.Add($"{orphan.Case.File}: case '{orphan.Case.Name}' tests '{orphan.Case.RuleId}', which is not in the rule set");
        }

        foreach (var problem in problems)
        {
            stderr.WriteLine(problem);
        }

        stdout.WriteLine($"{ruleSet.Rules.Count - failed} of {ruleSet.Rules.Count} rules pass, {results.Count(r => r.Passed)} of {results.Count} cases");
        return failed == 0 && problems.Count == 0 ? ExitCodes.Success : ExitCodes.Problems;
    }

    private static string Describe(IEnumerable<string> findings)
    {
        var list = findings.ToList();
        return list.Count == 0 ? "(silent)" : string.Join("; ", list);
    }
}
