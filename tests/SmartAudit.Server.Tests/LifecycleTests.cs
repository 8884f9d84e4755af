using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Contracts.V1;
using SmartAudit.Server.Demo;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>Tests that start and stop their own server.</summary>
public class LifecycleTests
{
    [Fact]
    public async Task Shutdown_WithAnOpenStream_AnswersWhatItHasAndEndsUnavailable()
    {
        var host = await AuditServerHost.StartAsync();
        using var call = host.Client.CheckStream();
        await call.RequestStream.WriteAsync(WireOrders.Request("before-stop"));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("before-stop", call.ResponseStream.Current.RequestId);

        var stopping = host.App.StopAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        await stopping;

        // UNAVAILABLE tells the client to send whatever has no answer to another instance
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("shutting down", error.Status.Detail, StringComparison.Ordinal);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_WithRequestsStillOnTheWire_AnswersEveryRequestItReadThenEndsUnavailable()
    {
        // Once, one or two requests per stream that the server had read were never answered and the stream ended OK.
        const int sent = 300;
        var host = await AuditServerHost.StartAsync();
        using var call = host.Client.CheckStream();
        for (var i = 0; i < sent; i++)
        {
            await call.RequestStream.WriteAsync(WireOrders.Request($"drain-{i}", Stage.Mid, lines: WireOrders.Line(lineId: "1")));
        }

        var stopping = host.App.StopAsync();
        var answered = new List<string>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                answered.Add(call.ResponseStream.Current.RequestId);
            }
        });
        await stopping;

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"drain-{i}"), answered); // every request sent before the stop, in order
        var logged = await host.DecisionLogLinesAsync(sent, TimeSpan.Zero);
        Assert.Equal(sent, logged.Count(l => l.Contains("\"drain-", StringComparison.Ordinal)));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_AfterChecks_EveryDecisionIsInTheLog()
    {
        var host = await AuditServerHost.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            await host.Client.CheckAsync(WireOrders.FiveLineOrder($"F{i}"));
        }

        await host.App.StopAsync();
        var lines = await host.DecisionLogLinesAsync(50, TimeSpan.Zero);

        Assert.Equal(50, lines.Length);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Demo_SendsTheSampleOrdersAndPrintsTheirDecisions()
    {
        var output = new StringWriter();
        var host = await AuditServerHost.StartAsync(["Demo:Enabled=true"], services => services.AddSingleton(new DemoOutput(output)));
        var lifetime = host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!output.ToString().Contains("Demo done", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var text = output.ToString();
        Assert.Contains("GZ-SEX-001", text);
        Assert.Contains("非那雄胺片限男性患者使用", text);
        Assert.Contains("demo-bad     rejected: invalid request: stage", text);
        Assert.DoesNotContain("Demo failed", text);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        await host.DisposeAsync();
    }
}

public class BundleStartupTests
{
    [Fact]
    public async Task Server_StartedFromAPackedBundle_ReportsTheBundlesVersion()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smartaudit-bundle-{Guid.NewGuid():N}.ruleset.json.gz");
        var source = ShippedRules.With("ruleset.json", """{ "id": "national-base", "version": "9.9.9" }""");
        var compiled = SmartAudit.Core.Rules.RuleSetCompiler.Compile(source).RuleSet!;
        var bundle = SmartAudit.Core.Rules.RuleSetBundle.Pack(source, compiled, "auditor-1", DateTimeOffset.UnixEpoch);
        await File.WriteAllBytesAsync(path, bundle.ToBytes());
        try
        {
            await using var host = await AuditServerHost.StartAsync([$"Audit:RulesPath={path}"]);

            var response = await host.Client.CheckAsync(WireOrders.Request());

            Assert.StartsWith("9.9.9+", response.RuleSetVersion, StringComparison.Ordinal);
            Assert.Equal(bundle.DisplayVersion, response.RuleSetVersion);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Server_GivenADamagedBundle_RefusesToStartAndSaysWhy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smartaudit-bundle-{Guid.NewGuid():N}.ruleset.json.gz");
        await File.WriteAllBytesAsync(path, [1, 2, 3]);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(async () => await AuditServerHost.StartAsync([$"Audit:RulesPath={path}"]));

            Assert.Contains("not a rule-set bundle", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
