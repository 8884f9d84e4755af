using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Rules;

/// <summary>
/// <c>smartaudit rules pack &lt;dir&gt;</c>: compiles the folder and, only if it is clean, writes it as one
/// versioned bundle (id, semantic version, content hash, created-at, author) that a server loads as it is.
/// </summary>
internal sealed class PackCommand(TimeProvider clock) : Command
{
    public PackCommand()
        : this(TimeProvider.System)
    {
    }

    public override string Group => "rules";

    public override string Name => "pack";

    public override string Arguments => "<dir> [--out <file>] [--author <name>]";

    public override string Summary => "Pack a valid rule-set folder into a versioned bundle a server can load.";

    public override string Details => """
        Refuses a folder with any problem (see 'rules validate'). The bundle is gzip-
        compressed JSON holding every rule and table file, the set's id and semantic
        version (from ruleset.json), the content hash of its files, the time and the
        author. Default file: <id>-<version>.ruleset.json.gz in the current folder;
        default author: the user running the command. A server loads it with
        --Audit:RulesPath=<file> and checks the hash before using it.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? folder = null, output = null, author = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Count: output = args[++i]; break;
                case "--author" when i + 1 < args.Count: author = args[++i]; break;
                case var option when option.StartsWith('-'): return UsageError(stderr, $"unknown option or missing value: '{option}'");
                case var path when folder is null: folder = path; break;
                default: return UsageError(stderr, "give one rule-set folder");
            }
        }

        if (folder is null)
        {
            return UsageError(stderr, "the rule-set folder is missing");
        }

        if (!Directory.Exists(folder))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: rule-set folder not found: {folder}");
            return ExitCodes.Usage;
        }

        if (LoadRuleSet(folder, stderr) is not var (source, ruleSet))
        {
            stderr.WriteLine("not packed");
            return ExitCodes.Problems;
        }

        var bundle = RuleSetBundle.Pack(source, ruleSet, author ?? Environment.UserName, clock.GetUtcNow());
        output ??= $"{bundle.Id}-{bundle.Version}.ruleset.json.gz";
        var bytes = bundle.ToBytes();
        File.WriteAllBytes(output, bytes);
        stdout.WriteLine($"packed {bundle.Id} {bundle.DisplayVersion}: {ruleSet.Rules.Count} rules, {ruleSet.Knowledge.ItemCount} catalogue items, by {bundle.Author}");
        stdout.WriteLine($"  {output} ({bytes.Length / 1024.0:0.0} KiB, sha256 {bundle.ContentHash})");
        return ExitCodes.Success;
    }
}
