using System.Collections.Concurrent;
using Grpc.Core;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>What a server in a process of its own keeps when the operating system stops it.</summary>
[Trait("Category", "Process")]
[Collection(ProcessCollection.Name)]
public sealed class CrashTests
{
    [Fact]
    public async Task KillMinus9_UnderLoad_EveryAnsweredDecisionIsInTheLog()
    {
        // Once, a kill -9 lost the answered decisions still in the log's memory queue (5 to 56 of 20,000).
        await using var server = await AuditServerProcess.StartAsync();
        var answered = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (client, cancellationToken) =>
        {
            for (var i = 0; i < 250; i++)
            {
                var id = $"K{client}-{i}";
                await server.Client.CheckAsync(WireOrders.Request(id, Stage.Mid, lines: WireOrders.Line(lineId: "1")), cancellationToken: cancellationToken);
                answered.Add(id);
            }
        });

        server.Kill();
        await server.WaitForExitAsync(CancellationToken.None);

        var logged = (await File.ReadAllLinesAsync(server.DecisionLogPath))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("requestId").GetString()).ToHashSet();
        Assert.All(answered, id => Assert.Contains(id, logged));
    }

    [Fact]
    public async Task Sigterm_WithOpenStreams_EveryRequestReadIsAnsweredThenUnavailable()
    {
        await using var server = await AuditServerProcess.StartAsync();
        var streams = Enumerable.Range(0, 4).Select(_ => server.Client.CheckStream()).ToList();
        for (var s = 0; s < streams.Count; s++)
        {
            for (var i = 0; i < 100; i++)
            {
                await streams[s].RequestStream.WriteAsync(WireOrders.Request($"T{s}-{i}", Stage.Mid, lines: WireOrders.Line(lineId: "1")));
            }
        }

        server.Terminate();
        for (var s = 0; s < streams.Count; s++)
        {
            var answers = 0;
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await streams[s].ResponseStream.MoveNext(CancellationToken.None))
                {
                    Assert.Equal($"T{s}-{answers}", streams[s].ResponseStream.Current.RequestId);
                    answers++;
                }
            });
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Equal(100, answers);
            streams[s].Dispose();
        }

        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(exit.Token);
    }
}
