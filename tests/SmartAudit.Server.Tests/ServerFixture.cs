using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>One audit server for the whole collection: started once, shared by the contract tests.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public AuditServerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await AuditServerHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "audit server";
}
