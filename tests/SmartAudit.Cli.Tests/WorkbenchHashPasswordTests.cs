using Microsoft.Extensions.Options;
using SmartAudit.Cli.Workbench;
using SmartAudit.Workbench;
using SmartAudit.Workbench.Accounts;

namespace SmartAudit.Cli.Tests;

public sealed class WorkbenchHashPasswordTests
{
    [Fact]
    public void HashPassword_FromStandardInput_IsAHashTheWorkbenchSignsInWith()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = new HashPasswordCommand(new StringReader("a long enough secret\n")).Run([], stdout, stderr);

        Assert.Equal(ExitCodes.Success, exit);
        var hash = stdout.ToString().Trim();
        Assert.DoesNotContain("secret", hash, StringComparison.Ordinal);
        var accounts = new WorkbenchAccounts(Options.Create(new WorkbenchOptions
        {
            Users = [new WorkbenchAccount { UserName = "li.lead", Role = "lead", PasswordHash = hash }],
        }));
        Assert.NotNull(accounts.SignIn("li.lead", "a long enough secret"));
        Assert.Null(accounts.SignIn("li.lead", "a long enough secreT"));
    }

    [Fact]
    public void HashPassword_ShortPasswordOrPasswordAsArgument_IsRefused()
    {
        var stderr = new StringWriter();

        Assert.Equal(ExitCodes.Usage, new HashPasswordCommand(new StringReader("short\n")).Run([], TextWriter.Null, stderr));
        Assert.Equal(ExitCodes.Usage, new HashPasswordCommand(new StringReader("")).Run(["hunter2hunter2"], TextWriter.Null, stderr));
        Assert.Contains("at least 12", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("never as an argument", stderr.ToString(), StringComparison.Ordinal);
    }
}
