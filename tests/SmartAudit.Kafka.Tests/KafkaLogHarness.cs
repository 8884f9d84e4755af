using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Testing;

namespace SmartAudit.Kafka.Tests;

/// <summary>
/// One test's world: its own mock cluster with the two topics, a temporary spool folder, and the logs
/// the test starts on them (stopped and disposed at the end, the folder removed).
/// </summary>
public sealed class KafkaLogHarness : IAsyncDisposable
{
    public const int DecisionPartitions = 4;
    public const int FeedbackPartitions = 2;
    private readonly List<KafkaDecisionLog> _logs = [];

    public KafkaLogHarness()
    {
        Cluster.CreateTopic(Topics.Decisions, DecisionPartitions);
        Cluster.CreateTopic(Topics.Feedback, FeedbackPartitions);
    }

    public KafkaMockCluster Cluster { get; } = new();

    public string SpoolPath { get; } = Path.Combine(Path.GetTempPath(), $"smartaudit-spool-{Guid.NewGuid():N}");

    public KafkaOptions Options(Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions
        {
            BootstrapServers = Cluster.BootstrapServers,
            SpoolPath = SpoolPath,
            FlushTimeout = TimeSpan.FromSeconds(5),
        };
        // Reconnect quickly once the mock brokers are back, as a test cannot wait librdkafka's 10 s.
        options.Producer["reconnect.backoff.ms"] = "20";
        options.Producer["reconnect.backoff.max.ms"] = "200";
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A log on this cluster and spool, not started.</summary>
    public KafkaDecisionLog Create(Action<KafkaOptions>? configure = null)
    {
        var log = new KafkaDecisionLog(Microsoft.Extensions.Options.Options.Create(Options(configure)), NullLogger<KafkaDecisionLog>.Instance);
        _logs.Add(log);
        return log;
    }

    public async Task<KafkaDecisionLog> StartAsync(Action<KafkaOptions>? configure = null)
    {
        var log = Create(configure);
        await log.StartAsync(CancellationToken.None);
        return log;
    }

    public List<ConsumeResult<string, byte[]>> ReadDecisions(int atLeast) => Cluster.ReadAll(Topics.Decisions, DecisionPartitions, atLeast);

    public List<ConsumeResult<string, byte[]>> ReadFeedback(int atLeast) => Cluster.ReadAll(Topics.Feedback, FeedbackPartitions, atLeast);

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs)
        {
            await log.StopAsync(CancellationToken.None);
            log.Dispose();
        }

        Cluster.Dispose();
        try
        {
            Directory.Delete(SpoolPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // the test never spooled
        }
    }

    public static class Topics
    {
        public const string Decisions = "smartaudit.decisions.v1";
        public const string Feedback = "smartaudit.feedback.v1";
    }
}

/// <summary>Reading what a consumer sees.</summary>
public static class ConsumedRecords
{
    public static string Header(this ConsumeResult<string, byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>The request id inside a decision or feedback record.</summary>
    public static string RequestId(this ConsumeResult<string, byte[]> record)
    {
        using var json = System.Text.Json.JsonDocument.Parse(record.Message.Value);
        return json.RootElement.GetProperty("requestId").GetString()!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after a generous deadline.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
