namespace SmartAudit.Cli.Tests;

/// <summary>Dispatch, help and usage errors: the same for every command.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_PrintsUsageToStdout_Exits0(string help)
    {
        var run = Cli.Run(help);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith("Usage: smartaudit <command>", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("smartaudit rules validate <dir>", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public void RulesHelp_PrintsTheRulesCommands_Exits0()
    {
        var run = Cli.Run("rules", "--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith("Usage: smartaudit rules <command>", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("rules validate <dir>", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public void RulesValidateHelp_PrintsTheCommandsUsage_Exits0()
    {
        var run = Cli.Run("rules", "validate", "--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith("Usage: smartaudit rules validate <dir>", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("exits 1", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public void NoArguments_PrintsUsageToStderr_Exits2()
    {
        var run = Cli.Run();

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("no command given", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: smartaudit <command>", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void UnknownCommand_NamesIt_Exits2()
    {
        var run = Cli.Run("frobnicate", "now");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("smartaudit: unknown command 'frobnicate'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: smartaudit <command>", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void UnknownRulesCommand_NamesIt_Exits2()
    {
        var run = Cli.Run("rules", "lint", "rules");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("smartaudit: unknown command 'rules lint'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: smartaudit rules <command>", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void RulesWithoutACommand_PrintsRulesUsageToStderr_Exits2()
    {
        var run = Cli.Run("rules");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("'rules' needs a command", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("rules validate <dir>", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void ValidateWithoutAFolder_SaysSo_Exits2()
    {
        var run = Cli.Run("rules", "validate");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("the rule-set folder is missing", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: smartaudit rules validate <dir>", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void ValidateWithTwoFolders_Exits2()
    {
        var run = Cli.Run("rules", "validate", "rules", "other");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("give one rule-set folder", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void ValidateWithAnUnknownOption_NamesIt_Exits2()
    {
        var run = Cli.Run("rules", "validate", "--strict", "rules");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("unknown option '--strict'", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
