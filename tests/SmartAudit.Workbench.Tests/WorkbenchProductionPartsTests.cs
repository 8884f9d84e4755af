using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Core.Cases;
using SmartAudit.Testing;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Workbench.Tests;

/// <summary>
/// The workbench on its production parts, as the host composes them: cases from the Kafka topics (the POST workers'
/// cases topic) into the shared Redis view, and a reviewer's decision produced to the case-decisions topic.
/// </summary>
public sealed class WorkbenchProductionPartsTests
{
    [Fact]
    public async Task CaseFromTheCasesTopic_IsReviewedOverHttp_AndTheDecisionReachesTheCaseDecisionsTopic()
    {
        using var kafka = new KafkaMockCluster();
        foreach (var topic in new[] { "smartaudit.decisions.v1", "smartaudit.feedback.v1", "smartaudit.cases.v1", "smartaudit.case-decisions.v1" })
        {
            kafka.CreateTopic(topic, 3);
        }

        await using var redis = await RedisServerProcess.StartAsync();
        var spool = Directory.CreateTempSubdirectory("smartaudit-workbench-spool-");
        var logs = new CapturedLogs();
        await using var host = await WorkbenchHost.StartAsync(services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs), settings:
        [
            $"Kafka:BootstrapServers={kafka.BootstrapServers}",
            $"Kafka:SpoolPath={spool.FullName}",
            "CaseIntake:Enabled=true",
            "CaseIntake:Consumer:session.timeout.ms=4000",
            "CaseIntake:Consumer:heartbeat.interval.ms=200",
            $"CaseIntake:GroupId=workbench-test-{Guid.NewGuid():N}",
            $"Redis:Configuration={redis.Configuration}",
            $"Redis:KeyPrefix=t{Guid.NewGuid():N}:",
            "Redis:FallbackToRulesFolder=true",
            "Logging:LogLevel:SmartAudit=Information",
        ]);
        Assert.Equal("RedisCaseStore", host.Store.GetType().Name);

        // The POST worker publishes a case.
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("smartaudit.cases.v1", new Message<string, byte[]>
            {
                Key = "P0001",
                Value = CaseJsonContext.ToUtf8(Flagged("C-from-topic")),
                Headers = new Headers { { "schema", System.Text.Encoding.UTF8.GetBytes(CaseRecord.SchemaV1) } }, // as the POST worker writes it
            });
        }

        var intake = host.Server.Services.GetRequiredService<SmartAudit.Kafka.Cases.KafkaCaseIntake>();
        await Wait.UntilAsync(
            async () => await host.Store.GetAsync("C-from-topic") is not null,
            () => $"the case in the Redis view (intake: {intake.Records} records, {intake.Unreadable} unreadable); the server logged:\n{string.Join('\n', logs.Messages.Where(m => !m.StartsWith("Debug", StringComparison.Ordinal)))}");

        // A reviewer takes the first review over HTTP.
        using var reviewer = await host.SignInAsync(ReviewerWang);
        using var response = await WorkbenchHttpTests.Decide(reviewer, "C-from-topic", "FirstReview", "FalsePositive", "", "诊疗合理", 0);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);

        // The decision is on the case-decisions topic, keyed by the case.
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("smartaudit.case-decisions.v1");
        CaseDecision? onRecord = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (onRecord is null && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message } && message.Key == "C-from-topic")
            {
                onRecord = CaseJsonContext.ReadDecision(message.Value);
            }
        }

        Assert.NotNull(onRecord);
        Assert.Equal(CaseStep.FirstReview, onRecord.Step);
        Assert.Equal(ReviewerWang.UserName, onRecord.DecidedBy);
        Assert.Equal(CaseStatus.AwaitingSecondReview, (await host.Store.GetAsync("C-from-topic"))!.State.Status);
        spool.Delete(recursive: true);
    }
}
