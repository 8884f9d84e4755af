using SmartAudit.Core.Cases;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using SmartAudit.Kafka.Post;
using static SmartAudit.Kafka.Tests.ConsumedRecords;

namespace SmartAudit.Kafka.Tests.Post;

/// <summary>The POST-stage worker on the mock cluster: what it publishes and commits. Slow parts (group joins,
/// a dead member's session timeout) are split over classes, which xunit runs in parallel.</summary>
public class AuditWorkerTests
{
    [Fact]
    public async Task Worker_SettledClaims_FlaggedOnesAsCasesInvalidOnesRejectedAllCommitted()
    {
        await using var harness = new AuditWorkerHarness();
        harness.ProduceClaims(300);
        var (worker, _) = harness.Start(harness.Worker("w1"));

        await harness.AllCommitted();

        var cases = harness.Cases();
        AssertExactly(harness.ExpectedCases, cases, "cases");
        AssertExactly(harness.ExpectedRejections, harness.Rejections(), "rejections");
        Assert.All(cases, c => Assert.Equal(c.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Header(ClaimOutput.ClaimPartitionHeader)));
        using var first = JsonDocument.Parse(cases[0].Message.Value);
        Assert.Equal(CaseRecord.SchemaV1, first.RootElement.GetProperty("schema").GetString());
        Assert.Equal("WARN", first.RootElement.GetProperty("action").GetString());
        Assert.Equal("GZ-SEX-001", first.RootElement.GetProperty("findings")[0].GetProperty("ruleId").GetString());
        Assert.Equal(300 - harness.ExpectedRejections.Count, harness.Decisions.Count); // every audited claim's decision on record
        Assert.Equal((300L, harness.ExpectedCases.Count, harness.ExpectedRejections.Count, 0L),
            (worker.Stats.Claims, (int)worker.Stats.Cases, (int)worker.Stats.Rejected, worker.Stats.AlreadyPublished));
    }

    [Fact]
    public async Task Worker_CasesTopicWithFewerPartitions_RefusesToStartNamingIt()
    {
        await using var harness = new AuditWorkerHarness(casePartitions: 2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Worker("w1").RunAsync(CancellationToken.None));

        Assert.Contains("smartaudit.cases.v1 has 2 partitions", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Each expected key exactly once, nothing else: counted and compared by id.</summary>
    internal static void AssertExactly(List<string> expected, List<ConsumeResult<string, byte[]>> published, string what)
    {
        var keys = published.Select(r => r.Message.Key).ToList();
        var duplicated = keys.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicated.Count == 0, $"{what} published twice: {string.Join(", ", duplicated.Take(10))}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        var ids = published.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("record-id"))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}

/// <summary>Two workers in one group split the partitions.</summary>
public class AuditWorkerGroupTests
{
    [Fact]
    public async Task TwoWorkers_OneGroup_SplitThePartitionsAndAuditEachClaimOnce()
    {
        await using var harness = new AuditWorkerHarness();
        var (first, _) = harness.Start(harness.Worker("w1"));
        await Eventually(() => first.AssignedPartitions.Count == AuditWorkerHarness.Partitions, "the first worker owns every partition");
        var (second, _) = harness.Start(harness.Worker("w2"));
        await Eventually(() => first.AssignedPartitions.Count > 0 && second.AssignedPartitions.Count > 0
            && first.AssignedPartitions.Count + second.AssignedPartitions.Count == AuditWorkerHarness.Partitions, "the group rebalances over both workers");
        Assert.Empty(first.AssignedPartitions.Intersect(second.AssignedPartitions));

        harness.ProduceClaims(400);
        await harness.AllCommitted();

        Assert.True(first.Stats.Claims > 0 && second.Stats.Claims > 0, $"claims: {first.Stats.Claims} and {second.Stats.Claims}");
        Assert.Equal(400, first.Stats.Claims + second.Stats.Claims);
        AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
        AuditWorkerTests.AssertExactly(harness.ExpectedRejections, harness.Rejections(), "rejections");
    }
}

/// <summary>A worker killed in the middle of a batch, and its successor.</summary>
public class AuditWorkerCrashTests
{
    [Theory]
    [InlineData(false, 20)] // killed while publishing its second batch: some output sent, none committed
    [InlineData(true, 2)]   // killed after the second batch's output was acknowledged, before its commit
    public async Task Worker_KilledMidBatchThenRestarted_LosesNoClaimAndPublishesNoneTwice(bool afterAcknowledged, int crashAt)
    {
        var step = afterAcknowledged ? WorkerStep.BeforeCommit : WorkerStep.OutputProduced;
        await using var harness = new AuditWorkerHarness();
        harness.ProduceClaims(400);
        var doomed = harness.Worker("doomed");
        var steps = 0;
        doomed.StepHook = s => s == step && ++steps == crashAt ? throw new SimulatedCrashException() : ValueTask.CompletedTask;
        var (_, run) = harness.Start(doomed);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => run);
        var committedAtCrash = harness.Committed();
        doomed.Dispose(); // the process is gone: no leave-group, no flush, no commit
        var (successor, _) = harness.Start(harness.Worker("successor"));
        await harness.AllCommitted();

        Assert.InRange(committedAtCrash, 1, 399); // the crash came after some commits and before the end
        AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
        AuditWorkerTests.AssertExactly(harness.ExpectedRejections, harness.Rejections(), "rejections");
        if (step == WorkerStep.BeforeCommit)
        {
            Assert.True(successor.Stats.AlreadyPublished > 0, "the successor found the crashed batch's output and did not publish it again");
        }
    }
}
