namespace SmartAudit.Cli;

/// <summary>
/// One verb of the tool, named by two words (<c>rules validate</c>). New commands (rules test, diff,
/// backtest, pack; report; model train) are new subclasses listed in <see cref="CommandLine"/>.
/// </summary>
internal abstract class Command
{
    /// <summary>The first word: the area the command works on, e.g. "rules".</summary>
    public abstract string Group { get; }

    /// <summary>The second word: what it does there, e.g. "validate".</summary>
    public abstract string Name { get; }

    /// <summary>What follows the two words, e.g. "&lt;dir&gt;".</summary>
    public abstract string Arguments { get; }

    /// <summary>One line for the list of commands.</summary>
    public abstract string Summary { get; }

    /// <summary>Further help, shown by <c>smartaudit GROUP NAME --help</c>.</summary>
    public virtual string Details => string.Empty;

    public string Synopsis => $"{CommandLine.ToolName} {Group} {Name} {Arguments}".TrimEnd();

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
}
