using SmartAudit.Core.Rules;
using SmartAudit.Embedded.Rules;

namespace SmartAudit.Cli;

/// <summary>
/// One verb of the tool, named by two words (<c>rules validate</c>). New commands (rules test, diff,
/// backtest, pack; report; model train) are new subclasses listed in <see cref="CommandLine"/>.
/// </summary>
internal abstract class Command
{
    /// <summary>The first word: the area the command works on, e.g. "rules".</summary>
    public abstract string Group { get; }

    /// <summary>The second word: what it does there, e.g. "validate"; empty for a one-word command.</summary>
    public abstract string Name { get; }

    /// <summary>What follows the two words, e.g. "&lt;dir&gt;".</summary>
    public abstract string Arguments { get; }

    /// <summary>One line for the list of commands.</summary>
    public abstract string Summary { get; }

    /// <summary>Further help, shown by <c>smartaudit GROUP NAME --help</c>.</summary>
    public virtual string Details => string.Empty;

    /// <summary>The usage line; a command without a <see cref="Name"/> is called by its group alone (<c>smartaudit audit-worker</c>).</summary>
    public string Synopsis => string.Join(' ', new[] { CommandLine.ToolName, Group, Name, Arguments }.Where(p => p.Length > 0));

    /// <summary>Runs with the arguments after the two command words; returns one of <see cref="ExitCodes"/>.</summary>
    public abstract int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr);

    public void WriteUsage(TextWriter writer)
    {
        writer.WriteLine($"Usage: {Synopsis}");
        writer.WriteLine();
        writer.WriteLine(Summary);
        if (Details.Length > 0)
        {
            writer.WriteLine();
            writer.Write(Details);
        }
    }

    /// <summary>Reports a mistake in how the command was called, with its usage, on stderr.</summary>
    protected int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"{CommandLine.ToolName}: {message}");
        stderr.WriteLine($"Usage: {Synopsis}");
        stderr.WriteLine($"Run '{CommandLine.ToolName} {Group} {Name} --help' for more.");
        return ExitCodes.Usage;
    }

    /// <summary>
    /// Reads a rule set (folder or bundle) and compiles it. On any problem writes each one to stderr,
    /// located under <paramref name="path"/>, with a pointer to <c>rules validate</c>, and returns null.
    /// </summary>
    protected static (RuleSetSource Source, RuleSet RuleSet)? LoadRuleSet(string path, TextWriter stderr)
    {
        RuleSetSource source;
        try
        {
            source = RuleSetDirectory.ReadFolderOrBundle(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidRuleSetBundleException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{path}: {ex.Message}");
            return null;
        }

        var compilation = RuleSetCompiler.Compile(source);
        if (compilation.RuleSet is { } ruleSet)
        {
            return (source, ruleSet);
        }

        foreach (var problem in compilation.Problems)
        {
            stderr.WriteLine(Path.Join(path, problem.ToString()));
        }

        stderr.WriteLine($"{path}: the rule set has {compilation.Problems.Count} problem(s) (see '{CommandLine.ToolName} rules validate {path}')");
        return null;
    }
}
