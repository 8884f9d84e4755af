using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Contracts.V1;
using SmartAudit.Server;

namespace SmartAudit.Testing;

/// <summary>
/// The real audit server, as built by <see cref="AuditServer.Build"/>, listening on a free loopback port
/// with cleartext HTTP/2, and a gRPC client for it. Decisions go to a temporary file the test can read.
/// </summary>
public sealed class AuditServerHost : IAsyncDisposable
{
    private AuditServerHost(WebApplication app, string address, string decisionLogPath)
    {
        App = app;
        Address = address;
        DecisionLogPath = decisionLogPath;
        Channel = GrpcChannel.ForAddress(address);
        Client = new AuditService.AuditServiceClient(Channel);
    }

    public WebApplication App { get; }

    public string Address { get; }

    public string DecisionLogPath { get; }

    public GrpcChannel Channel { get; }

    public AuditService.AuditServiceClient Client { get; }

    public IServiceProvider Services => App.Services;

    /// <param name="settings">Extra configuration as <c>Section:Key=value</c> pairs.</param>
    /// <param name="services">Service overrides, applied last.</param>
    public static async Task<AuditServerHost> StartAsync(IEnumerable<string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var logPath = Path.Combine(Path.GetTempPath(), $"smartaudit-test-{Guid.NewGuid():N}", "decisions.jsonl");
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--DecisionLog:Path={logPath}",
            $"--Audit:RulesPath={ShippedRules.Folder}",
            "--Logging:LogLevel:Default=Warning",
            .. (settings ?? []).Select(s => "--" + s),
        ];
        var app = AuditServer.Build(args, builder => services?.Invoke(builder.Services));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AuditServerHost(app, address, logPath);
    }

    /// <summary>The decision log's lines so far (the log is flushed after every batch).</summary>
    public async Task<string[]> DecisionLogLinesAsync(int atLeast, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var lines = File.Exists(DecisionLogPath)
                ? (await ReadSharedAsync(DecisionLogPath)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                : [];
            if (lines.Length >= atLeast || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(20);
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(DecisionLogPath)!, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
