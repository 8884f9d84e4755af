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
    public async Task Shutdown_WithAnOpenStream_AnswersWhatItHasAndEndsTheStreamCleanly()
    {
        var host = await AuditServerHost.StartAsync();
        using var call = host.Client.CheckStream();
        await call.RequestStream.WriteAsync(WireOrders.Request("before-stop"));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("before-stop", call.ResponseStream.Current.RequestId);

        var stopping = host.App.StopAsync();
        var ended = !await call.ResponseStream.MoveNext(CancellationToken.None);
        await stopping;

        Assert.True(ended);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
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
