using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SmartAudit.Embedded.Rules;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Demo;

/// <summary>Section <c>Demo</c>: the newcomer's demo, off unless asked for.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Send the sample orders once the server is listening. Default false; <c>--demo</c> sets it.</summary>
    public bool Enabled { get; set; }

    /// <summary>Stop the server after the demo. Default false (keep serving); <c>--demo-exit</c> sets it.</summary>
    public bool ExitAfter { get; set; }

    /// <summary>File of sample requests (a JSON array of CheckRequest in protobuf JSON). Default: rules/samples/demo-orders.json.</summary>
    public string? OrdersPath { get; set; }
}

/// <summary>
/// Shows the service working: once the server listens, a real gRPC client sends the sample orders over
/// loopback (unary, then all of them again on one stream with a bad request in the middle) and prints
/// each decision as a doctor's screen would show it.
/// </summary>
internal sealed class DemoRunner(
    IOptions<DemoOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    DemoOutput output) : BackgroundService
{
    /// <summary>Turns <c>--demo</c> / <c>--demo-exit</c> into configuration keys; other arguments pass through.</summary>
    public static string[] TranslateArguments(string[] args) =>
    [
        .. args.Where(a => a is not ("--demo" or "--demo-exit")),
        .. args.Contains("--demo") || args.Contains("--demo-exit") ? new[] { "--Demo:Enabled=true" } : [],
        .. args.Contains("--demo-exit") ? new[] { "--Demo:ExitAfter=true" } : [],
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var writer = output.Writer;
        try
        {
            var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var orders = LoadOrders(options.Value.OrdersPath);
            using var channel = GrpcChannel.ForAddress(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            var client = new V1.AuditService.AuditServiceClient(channel);
            await writer.WriteLineAsync($"SmartAudit demo: {orders.Count} sample orders to {address} over gRPC");
            await writer.WriteLineAsync();

            foreach (var order in orders)
            {
                var response = await client.CheckAsync(order, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stoppingToken);
                await DemoPrinter.PrintAsync(writer, order, response);
            }

            await writer.WriteLineAsync("The same orders on one stream, with a bad request (no stage) in the middle:");
            using var stream = client.CheckStream(cancellationToken: stoppingToken);
            var bad = orders[0].Clone();
            bad.RequestId = "demo-bad";
            bad.Stage = V1.Stage.Unspecified;
            foreach (var order in orders.Take(orders.Count / 2).Append(bad).Concat(orders.Skip(orders.Count / 2)))
            {
                await stream.RequestStream.WriteAsync(order, stoppingToken);
            }

            await stream.RequestStream.CompleteAsync();
            await foreach (var response in stream.ResponseStream.ReadAllAsync(stoppingToken))
            {
                await writer.WriteLineAsync(response.Error is { } error
                    ? $"  {response.RequestId,-12} rejected: {error.Message}"
                    : $"  {response.RequestId,-12} {DemoPrinter.Name(response.Action),-7} {response.Findings.Count} finding(s), {response.EvaluationMicros} µs");
            }

            await writer.WriteLineAsync();
            await writer.WriteLineAsync(options.Value.ExitAfter
                ? "Demo done."
                : $"Demo done. The server keeps serving on {address} (grpcurl -plaintext {new Uri(address).Authority} list); Ctrl+C stops it.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await writer.WriteLineAsync($"Demo failed: {ex.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            await writer.FlushAsync(CancellationToken.None);
            if (options.Value.ExitAfter)
            {
                lifetime.StopApplication();
            }
        }
    }

    private static List<V1.CheckRequest> LoadOrders(string? configured)
    {
        var path = configured ?? Path.Combine(RuleSetDirectory.Locate(null) ?? "rules", "samples", "demo-orders.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(e => JsonParser.Default.Parse<V1.CheckRequest>(e.GetRawText()))];
    }
}

/// <summary>Where the demo prints: the console, or a test's writer.</summary>
internal sealed class DemoOutput(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;
}

internal static class DemoExtensions
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);
        if (builder.Configuration.GetValue<bool>($"{DemoOptions.SectionName}:{nameof(DemoOptions.Enabled)}"))
        {
            builder.Services.AddSingleton(_ => new DemoOutput(Console.Out));
            builder.Services.AddHostedService<DemoRunner>();
        }

        return builder;
    }
}
