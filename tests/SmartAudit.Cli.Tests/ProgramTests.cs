using System.Diagnostics;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

/// <summary>The built tool as a user runs it: a separate process whose exit code is the command's.</summary>
public class ProgramTests
{
    [Fact]
    public async Task Smartaudit_ValidateShippedRules_ExitsZeroInItsOwnProcess()
    {
        var (exitCode, stdout, stderr) = await RunToolAsync("rules", "validate", ShippedRules.Folder);

        Assert.Equal(0, exitCode);
        Assert.Contains("national-base", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Smartaudit_MissingFolder_ExitsTwoInItsOwnProcess()
    {
        var (exitCode, stdout, stderr) = await RunToolAsync("rules", "validate", Path.Combine(Path.GetTempPath(), $"smartaudit-missing-{Guid.NewGuid():N}"));

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("rule-set folder not found", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToolAsync(params string[] args)
    {
        // The test host runs under the same dotnet that should run the tool.
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var tool = typeof(CommandLine).Assembly.Location;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
