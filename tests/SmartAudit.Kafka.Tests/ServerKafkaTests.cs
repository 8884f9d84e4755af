using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Decisions;
using SmartAudit.Testing;

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
        "Kafka:Producer:reconnect.backoff.max.ms=200",
    ];
}
