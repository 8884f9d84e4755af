using SmartAudit.Testing;

namespace SmartAudit.Workbench.Tests;

/// <summary>One workbench server (empty queue, test accounts) shared by a test class; tests add cases with their own ids.</summary>
public sealed class WorkbenchFixture : IAsyncLifetime
{
    public WorkbenchHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await WorkbenchHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
