namespace SmartAudit.Workbench.Accounts;

/// <summary>
/// Once the server listens, tells the person at the console where the workbench is and, for demo accounts, their
/// one-time passwords. Written to the console only, never to the log.
/// </summary>
internal sealed class DemoAccountsPrinter(WorkbenchAccounts accounts, WorkbenchEndpoint endpoint, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var writer = Console.Out;
        writer.WriteLine($"Fraud review workbench: {string.Join(", ", endpoint.Addresses)}");
        if (accounts.DemoPasswords.Count > 0)
        {
            writer.WriteLine("  demo accounts for this run only (passwords change at every start):");
            foreach (var (user, password) in accounts.DemoPasswords)
            {
                writer.WriteLine($"    {user,-10} {password}");
            }
        }
        else if (accounts.Count == 0)
        {
            writer.WriteLine("  no accounts: set Workbench:Users (see docs/workbench.md) or run with --workbench for demo accounts");
        }
    }
}
