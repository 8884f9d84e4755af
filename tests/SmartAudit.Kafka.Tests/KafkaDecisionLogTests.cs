using System.Text.Json;
using SmartAudit.Core.Decisions;
using static SmartAudit.Kafka.Tests.ConsumedRecords;

namespace SmartAudit.Kafka.Tests;

/// <summary>The log with a healthy cluster: what lands on the topics, keyed and ordered how.</summary>
public class KafkaDecisionLogTests
{
    [Fact]
    public async Task Append_Decision_ProducedKeyedByPatientWithSchemaHeaderAndTheRecordJson()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();
        var decision = Records.Decision("R-1", "P-42");

        log.Append(decision);
        var record = Assert.Single(harness.ReadDecisions(1));

        Assert.Equal("P-42", record.Message.Key);
        Assert.Equal(DecisionRecord.SchemaV1, record.Header("schema"));
        Assert.True(Guid.TryParse(record.Header("record-id"), out _));
        Assert.Equal(Records.DecidedAt.ToUnixTimeMilliseconds(), record.Message.Timestamp.UnixTimestampMs);
        Assert.Equal(DecisionJsonContext.ToUtf8(DecisionRecord.From(decision)), record.Message.Value);
        var read = JsonSerializer.Deserialize(record.Message.Value, DecisionJsonContext.Default.DecisionRecord)!;
        Assert.Equal("R-1", read.RequestId);
        Assert.Equal("BLOCK", read.Action);
    }

    // Issue 16 item 1: a non-finite number made the serializer throw inside the producing loop.
    [Fact]
    public async Task Append_DecisionWithNonFiniteFraudScore_SetAsideToTheDeadLetterFile_TheOthersProduced()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();
        var poisoned = Records.Decision("R-BAD") with { Fraud = new Core.Fraud.FraudAssessment(double.PositiveInfinity, "m1", []) };

        log.Append(Records.Decision("R-1"));
        log.Append(poisoned);
        log.Append(Records.Decision("R-2"));
        var records = harness.ReadDecisions(2);

        Assert.Equal(["R-1", "R-2"], records.Select(r => r.RequestId()).Order());
        Assert.Equal(1, log.SetAsideRecords);
        var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(log.DeadLetterPath))).RootElement;
        Assert.Equal("R-BAD", entry.GetProperty("requestId").GetString());
        Assert.Equal("Infinity", entry.GetProperty("record").GetProperty("fraud").GetProperty("score").GetString());
        Assert.False(log.IsSpooling);
        File.Delete(log.DeadLetterPath);
    }

    [Fact]
    public async Task Append_ManyDecisionsForFewPatients_EachPatientsDecisionsStayInOrder()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();
        var sent = Enumerable.Range(0, 600).Select(i => (Patient: $"P{i % 7}", Request: $"R{i:D4}")).ToList();

        foreach (var (patient, request) in sent)
        {
            log.Append(Records.Decision(request, patient));
        }

        var records = harness.ReadDecisions(sent.Count);

        AssertExactlyOnceInOrderPerKey(sent, records.Select(r => (r.Message.Key, r.RequestId())).ToList());
    }

    [Fact]
    public async Task Append_Feedback_ProducedToTheFeedbackTopicKeyedByRequestId()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();

        log.Append(Records.Feedback("R-77"));
        var record = Assert.Single(harness.ReadFeedback(1));

        Assert.Equal("R-77", record.Message.Key);
        Assert.Equal(FeedbackRecord.SchemaV1, record.Header("schema"));
        var read = JsonSerializer.Deserialize(record.Message.Value, DecisionJsonContext.Default.FeedbackRecord)!;
        Assert.Equal("OVERRIDDEN", read.Kind);
        Assert.Empty(harness.ReadDecisions(0));
    }

    [Fact]
    public async Task StopAsync_ClusterUp_EverythingAppendedIsAcknowledgedAndNothingSpooled()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();
        for (var i = 0; i < 300; i++)
        {
            log.Append(Records.Decision($"R{i}", $"P{i % 5}"));
        }

        await log.StopAsync(CancellationToken.None);

        Assert.Equal(300, log.DeliveredRecords);
        Assert.Equal(0, log.SpooledRecords);
        Assert.Equal(300, harness.ReadDecisions(300).Count);
    }

    /// <summary>Every (key, id) sent is read exactly once, and each key's ids come in the order they were sent.</summary>
    internal static void AssertExactlyOnceInOrderPerKey(IReadOnlyList<(string Key, string Id)> sent, IReadOnlyList<(string Key, string Id)> read)
    {
        var duplicates = read.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} duplicated: {string.Join(", ", duplicates.Take(10))}");
        var missing = sent.Select(s => s.Id).Except(read.Select(r => r.Id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} missing: {string.Join(", ", missing.Take(10))}");
        Assert.Equal(sent.Count, read.Count);
        foreach (var key in sent.Select(s => s.Key).Distinct())
        {
            Assert.Equal(sent.Where(s => s.Key == key).Select(s => s.Id), read.Where(r => r.Key == key).Select(r => r.Id));
        }
    }
}
