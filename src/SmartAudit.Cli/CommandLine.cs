using SmartAudit.Cli.Rules;

namespace SmartAudit.Cli;

/// <summary>
/// The tool's front door: finds the command named by the first two arguments and runs it with the rest.
/// Writers are passed in, never <see cref="Console"/> directly, so tests run it in-process.
/// </summary>
internal static class CommandLine
{
    public const string ToolName = "smartaudit";

    /// <summary>Every command, in the order the usage lists them.</summary>
    private static readonly Command[] Commands =
    [
        new ValidateCommand(),
        new TestCommand(),
        new DiffCommand(),
        new PackCommand(),
        new Store.PublishCommand(),
        new Store.ActivateCommand(),
        new Store.RollbackCommand(),
        new Store.ListCommand(),
        new BacktestCommand { InteractiveProgress = !Console.IsErrorRedirected },
        new Claims.GenerateClaimsCommand(),
        new Claims.SimulateClaimsCommand(),
        new Model.TrainModelCommand(),
        new Model.ExportLabelsCommand(),
        new Knowledge.GenerateCatalogueCommand(),
        new Reports.ComplianceCommand(),
        new Post.AuditWorkerCommand(),
        new Cases.RebuildCasesCommand(),
        new Workbench.HashPasswordCommand(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return UsageError(stderr, "no command given", null);
        }

        if (IsHelp(args[0]))
        {
            WriteUsage(stdout, null);
            return ExitCodes.Success;
        }

        var group = args[0];
        if (!Commands.Any(c => c.Group == group))
        {
            return UsageError(stderr, $"unknown command '{group}'", null);
        }

        if (Commands.FirstOrDefault(c => c.Group == group && c.Name.Length == 0) is { } single)
        {
            return Run(single, args[1..], stdout, stderr);
        }

        if (args.Length == 1)
        {
            return UsageError(stderr, $"'{group}' needs a command", group);
        }

        if (IsHelp(args[1]))
        {
            WriteUsage(stdout, group);
            return ExitCodes.Success;
        }

        var command = Commands.FirstOrDefault(c => c.Group == group && c.Name == args[1]);
        if (command is null)
        {
            return UsageError(stderr, $"unknown command '{group} {args[1]}'", group);
        }

        return Run(command, args[2..], stdout, stderr);
    }

    private static int Run(Command command, string[] rest, TextWriter stdout, TextWriter stderr)
    {
        if (rest.Any(a => a is "--help" or "-h"))
        {
            command.WriteUsage(stdout);
            return ExitCodes.Success;
        }

        return command.Run(rest, stdout, stderr);
    }

    internal static bool IsHelp(string arg) => arg is "--help" or "-h" or "help";

    private static int UsageError(TextWriter stderr, string message, string? group)
    {
        stderr.WriteLine($"{ToolName}: {message}");
        stderr.WriteLine();
        WriteUsage(stderr, group);
        return ExitCodes.Usage;
    }

    /// <summary>The list of commands, or of one group's commands.</summary>
    private static void WriteUsage(TextWriter writer, string? group)
    {
        var commands = Commands.Where(c => group is null || c.Group == group).ToList();
        var width = commands.Max(c => c.Synopsis.Length);
        writer.WriteLine(group is null ? $"Usage: {ToolName} <command> [arguments]" : $"Usage: {ToolName} {group} <command> [arguments]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        foreach (var command in commands)
        {
            writer.WriteLine($"  {command.Synopsis.PadRight(width)}  {command.Summary}");
        }

        writer.WriteLine();
        writer.WriteLine($"Run '{ToolName} <command> --help' for more about a command.");
        writer.WriteLine($"Exit codes: {ExitCodes.Success} success, {ExitCodes.Problems} problems found, {ExitCodes.Usage} usage error or input not found.");
    }
}
