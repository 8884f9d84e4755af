using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmartAudit.Kafka.Post;
using SmartAudit.Testing;

namespace SmartAudit.Kafka.Tests.Post;

/// <summary>The server hosting the POST worker by configuration (<c>AuditWorker:Enabled</c>).</summary>
public class ServerAuditWorkerTests
{
    [Fact]
    public async Task Server_AuditWorkerEnabled_AuditsSettledClaimsAndPutsTheirDecisionsOnRecord()
    {
        await using var harness = new AuditWorkerHarness();
        harness.Cluster.CreateTopic(KafkaLogHarness.Topics.Decisions, 4);
        harness.Cluster.CreateTopic(KafkaLogHarness.Topics.Feedback, 1);
        var spool = Directory.CreateTempSubdirectory("smartaudit-spool-");
        harness.ProduceClaims(120);
        var host = await AuditServerHost.StartAsync(
        [
            $"Kafka:BootstrapServers={harness.Cluster.BootstrapServers}",
            $"Kafka:SpoolPath={spool.FullName}",
            "AuditWorker:Enabled=true",
            $"AuditWorker:GroupId={AuditWorkerHarness.Group}",
            "AuditWorker:BatchSize=40",
        ]);
        try
        {
            await harness.AllCommitted();

            AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
            AuditWorkerTests.AssertExactly(harness.ExpectedRejections, harness.Rejections(), "rejections");
            var worker = Assert.Single(host.Services.GetRequiredService<AuditWorkerService>().Workers);
            Assert.Equal(120, worker.Stats.Claims);
            var decisions = harness.Cluster.ReadAll(KafkaLogHarness.Topics.Decisions, 4, 120 - harness.ExpectedRejections.Count);
            Assert.Equal(120 - harness.ExpectedRejections.Count, decisions.Count);
        }
        finally
        {
            await host.DisposeAsync();
            spool.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Server_AuditWorkerWithoutItsTopics_KeepsAnsweringWithTheWorkerReportedDegraded()
    {
        await using var harness = new KafkaLogHarness(); // decisions and feedback topics only: no claims topic
        var host = await AuditServerHost.StartAsync(
        [
            $"Kafka:BootstrapServers={harness.Cluster.BootstrapServers}",
            $"Kafka:SpoolPath={harness.SpoolPath}",
            "AuditWorker:Enabled=true",
        ]);
        try
        {
            var service = host.Services.GetRequiredService<AuditWorkerService>();
            await ConsumedRecords.Eventually(() => service.Failure is not null, "the worker finds its topics missing");

            var response = await host.Client.CheckAsync(WireOrders.Request("R-still-serving"));
            var health = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["audit-worker"];

            Assert.Equal(Contracts.V1.Action.Pass, response.Action);
            Assert.Equal(HealthStatus.Degraded, health.Status);
            Assert.Contains("smartaudit.claims.v1 not found", health.Description, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Server_AuditWorkerEnabledWithoutKafka_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AuditServerHost.StartAsync(["AuditWorker:Enabled=true"]));

        Assert.Contains("Kafka:BootstrapServers", error.Message, StringComparison.Ordinal);
    }
}
