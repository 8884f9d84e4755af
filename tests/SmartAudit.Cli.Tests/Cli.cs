namespace SmartAudit.Cli.Tests;

/// <summary>What one in-process run of the tool returned and printed.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal static class Cli
{
    /// <summary>Runs <c>smartaudit</c> with <paramref name="args"/>, capturing both streams.</summary>
    public static CliRun Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        stdout.NewLine = stderr.NewLine = "\n";

        var exitCode = CommandLine.Run(args, stdout, stderr);

        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A stack trace line, which an expected error must never show.</summary>
    public const string StackTraceMarker = "   at ";
}
