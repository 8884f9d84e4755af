using System.Text.Json;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Decisions;
using SmartAudit.Testing;
using static SmartAudit.Kafka.Tests.ConsumedRecords;

namespace SmartAudit.Kafka.Tests;

/// <summary>The real audit server configured with <c>Kafka:BootstrapServers</c>: decisions and feedback reach the topics.</summary>
public class ServerKafkaTests
{
    [Fact]
    public async Task Check_ServerWithKafkaConfigured_ProducesTheDecisionAndFeedbackRecords()
    {
        await using var harness = new KafkaLogHarness();
        var host = await AuditServerHost.StartAsync(Settings(harness));
        try
        {
            Assert.IsType<KafkaDecisionLog>(host.Services.GetRequiredService<IDecisionLog>());
            var requestId = $"R-e2e-{Guid.NewGuid():N}";

            await host.Client.CheckAsync(WireOrders.Request(requestId, Contracts.V1.Stage.Mid, Sex.Female, WireOrders.Line("XG04CBF036A001")));
            await host.Client.RecordFeedbackAsync(new FeedbackRequest
            {
                RequestId = requestId,
                RuleId = "GZ-SEX-001",
                Kind = Contracts.V1.FeedbackKind.Changed,
            });

            var decision = Assert.Single(harness.ReadDecisions(1));
            Assert.Equal("P0001", decision.Message.Key);
            Assert.Equal(DecisionRecord.SchemaV1, decision.Header("schema"));
            using var json = JsonDocument.Parse(decision.Message.Value);
            Assert.Equal(requestId, json.RootElement.GetProperty("requestId").GetString());
            Assert.Equal("MID", json.RootElement.GetProperty("stage").GetString());
            Assert.Equal("BLOCK", json.RootElement.GetProperty("action").GetString());
            Assert.Equal(ShippedRules.RuleSet.Version, json.RootElement.GetProperty("ruleSetVersion").GetString());
            var feedback = Assert.Single(harness.ReadFeedback(1));
            Assert.Equal(requestId, feedback.Message.Key);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Check_DecisionLogSpooling_AnsweredDegradedAndHealthDegradedUntilReplayed()
    {
        await using var harness = new KafkaLogHarness();
        var host = await AuditServerHost.StartAsync(Settings(harness));
        try
        {
            var log = host.Services.GetRequiredService<KafkaDecisionLog>();
            var health = host.Services.GetRequiredService<HealthCheckService>();
            var healthy = await host.Client.CheckAsync(WireOrders.Request("R-before", Contracts.V1.Stage.Pre, Sex.Female, WireOrders.Line("XG04CBF036A001")));
            Assert.False(healthy.Degraded);
            Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["decision-log"].Status);

            harness.Cluster.TakeDown();
            await Eventually(() => log.IsSpooling, "the log notices the cluster is down");
            var during = await host.Client.CheckAsync(WireOrders.Request("R-during", Contracts.V1.Stage.Pre, Sex.Female, WireOrders.Line("XG04CBF036A001")));
            var report = (await health.CheckHealthAsync()).Entries["decision-log"];
            var serving = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());

            Assert.True(during.Degraded);
            Assert.Equal([KafkaDecisionLog.SpoolingReason], during.DegradedReasons);
            Assert.Equal(Contracts.V1.Action.Block, during.Action); // answered in full all the same
            Assert.Equal(HealthStatus.Degraded, report.Status);
            Assert.Contains("spooling to disk", report.Description, StringComparison.Ordinal);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, serving.Status);

            harness.Cluster.BringUp();
            await Eventually(() => !log.IsSpooling, "the spool is replayed");
            var after = await host.Client.CheckAsync(WireOrders.Request("R-after", Contracts.V1.Stage.Pre, Sex.Female, WireOrders.Line("XG04CBF036A001")));

            Assert.False(after.Degraded);
            Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["decision-log"].Status);
            var decisions = harness.ReadDecisions(3).ToDictionary(r => r.RequestId(), r => JsonDocument.Parse(r.Message.Value));
            Assert.Equal(["R-after", "R-before", "R-during"], decisions.Keys.Order(StringComparer.Ordinal));
            Assert.True(decisions["R-during"].RootElement.GetProperty("degraded").GetBoolean());
            Assert.False(decisions["R-after"].RootElement.GetProperty("degraded").GetBoolean());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_UnknownSecurityProtocol_FailsNamingTheOption()
    {
        await using var harness = new KafkaLogHarness();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            AuditServerHost.StartAsync([.. Settings(harness), "Kafka:SecurityProtocol=sasl_tls"]));

        Assert.Contains(nameof(KafkaOptions.SecurityProtocol), error.Message, StringComparison.Ordinal);
    }

    private static string[] Settings(KafkaLogHarness harness) =>
    [
        $"Kafka:BootstrapServers={harness.Cluster.BootstrapServers}",
        $"Kafka:SpoolPath={harness.SpoolPath}",
        "Kafka:Producer:reconnect.backoff.ms=20",
        "Kafka:Producer:reconnect.backoff.max.ms=200",
    ];
}
