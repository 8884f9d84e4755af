using System.Diagnostics;
using System.Text.Json;
using SmartAudit.Core.Decisions;
using static SmartAudit.Kafka.Tests.ConsumedRecords;

namespace SmartAudit.Kafka.Tests;

/// <summary>The log when the cluster cannot take records: the spool, its replay, and stopping meanwhile.</summary>
public class KafkaOutageTests
{
    [Fact]
    public async Task Append_BrokerDownMidTrafficThenUp_SpoolReplayedEveryRecordOnceInOrderPerPatient()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();
        var sent = new List<(string Key, string Id)>();
        void Send(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var id = $"R{sent.Count:D5}";
                var patient = $"P{sent.Count % 11}";
                sent.Add((patient, id));
                log.Append(Records.Decision(id, patient));
            }
        }

        Send(300);
        await Eventually(() => log.DeliveredRecords == 300, "the first records are acknowledged");
        harness.Cluster.TakeDown();
        Send(100);
        await Eventually(() => log.IsSpooling, "the log notices the outage and spools");
        var appending = Stopwatch.StartNew();
        Send(1000);
        appending.Stop();
        await Eventually(() => log.SpooledRecords >= 1000, "the outage's records reach the spool");
        harness.Cluster.BringUp();
        await Eventually(() => !log.IsSpooling && log.SpooledRecords == 0, "the spool is replayed and the log produces directly again");
        Send(300);
        await log.StopAsync(CancellationToken.None);

        Assert.True(appending.Elapsed < TimeSpan.FromSeconds(1), $"1,000 appends with the cluster down took {appending.Elapsed}");
        Assert.Equal(0, log.PossiblyDuplicatedRecords);
        var read = harness.ReadDecisions(sent.Count).Select(r => (r.Message.Key, r.RequestId())).ToList();
        KafkaDecisionLogTests.AssertExactlyOnceInOrderPerKey(sent, read);
    }

    [Fact]
    public async Task Append_OutageLongerThanTheMessageTimeout_TimedOutRecordsReplayedBeforeLaterOnes()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync(o => o.MessageTimeoutMs = 500);
        var sent = Enumerable.Range(0, 400).Select(i => ($"P{i % 5}", $"R{i:D4}")).ToList();

        harness.Cluster.TakeDown();
        foreach (var (patient, id) in sent.Take(200))
        {
            log.Append(Records.Decision(id, patient));
        }

        await Eventually(() => log.SpooledRecords == 200, "records timed out in flight are spooled");
        foreach (var (patient, id) in sent.Skip(200))
        {
            log.Append(Records.Decision(id, patient));
        }

        await Eventually(() => log.SpooledRecords == 400, "later records are spooled behind them");
        harness.Cluster.BringUp();
        await Eventually(() => !log.IsSpooling && log.SpooledRecords == 0, "the spool is replayed");

        var read = harness.ReadDecisions(sent.Count).Select(r => (r.Message.Key, r.RequestId())).ToList();
        KafkaDecisionLogTests.AssertExactlyOnceInOrderPerKey(sent, read);
    }

    [Fact]
    public async Task Append_QueueFull_QueuedRecordsAndTheNewOneGoToTheSpoolInOrder()
    {
        await using var harness = new KafkaLogHarness();
        var log = harness.Create(o => o.QueueCapacity = 16); // not started: nothing drains the queue
        var sent = Enumerable.Range(0, 100).Select(i => ($"P{i % 3}", $"R{i:D3}")).ToList();

        foreach (var (patient, id) in sent)
        {
            log.Append(Records.Decision(id, patient));
        }

        Assert.True(log.IsSpooling);
        Assert.True(log.SpooledRecords >= 84, $"spooled {log.SpooledRecords}");
        await log.StartAsync(CancellationToken.None);
        await Eventually(() => !log.IsSpooling && log.SpooledRecords == 0 && log.QueuedRecords == 0, "the spool is replayed");

        var read = harness.ReadDecisions(sent.Count).Select(r => (r.Message.Key, r.RequestId())).ToList();
        KafkaDecisionLogTests.AssertExactlyOnceInOrderPerKey(sent, read);
    }

    [Fact]
    public async Task StopAsync_ClusterDown_EverythingIsSpooledAndTheNextInstanceReplaysIt()
    {
        await using var harness = new KafkaLogHarness();
        var first = await harness.StartAsync(o => o.FlushTimeout = TimeSpan.FromSeconds(1));
        var sent = Enumerable.Range(0, 300).Select(i => ($"P{i % 9}", $"R{i:D3}")).ToList();
        harness.Cluster.TakeDown();

        foreach (var (patient, id) in sent)
        {
            first.Append(Records.Decision(id, patient));
        }

        await first.StopAsync(CancellationToken.None);
        Assert.Equal(300, first.SpooledRecords);
        first.Dispose();
        harness.Cluster.BringUp();
        var second = await harness.StartAsync();
        Assert.True(second.IsSpooling);
        await Eventually(() => !second.IsSpooling && second.SpooledRecords == 0, "the next instance replays the spool");

        var records = harness.ReadDecisions(sent.Count);
        KafkaDecisionLogTests.AssertExactlyOnceInOrderPerKey(sent, [.. records.Select(r => (r.Message.Key, r.RequestId()))]);
        var replayed = records.First(r => r.RequestId() == "R123");
        Assert.Equal(DecisionRecord.SchemaV1, replayed.Header("schema"));
        Assert.True(Guid.TryParse(replayed.Header("record-id"), out _));
        Assert.Equal(Records.DecidedAt.ToUnixTimeMilliseconds(), replayed.Message.Timestamp.UnixTimestampMs);
        Assert.Equal(DecisionJsonContext.ToUtf8(DecisionRecord.From(Records.Decision("R123", "P6"))),
            replayed.Message.Value);
    }

    [Fact]
    public async Task Append_AfterStop_GoesToTheSpool()
    {
        await using var harness = new KafkaLogHarness();
        var log = await harness.StartAsync();
        await log.StopAsync(CancellationToken.None);

        log.Append(Records.Decision("R-late"));

        Assert.Equal(1, log.SpooledRecords);
        Assert.Single(Directory.EnumerateFiles(harness.SpoolPath, "*.jsonl"));
    }
}
