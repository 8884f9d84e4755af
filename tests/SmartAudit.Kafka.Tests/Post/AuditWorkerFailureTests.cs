using System.Text;
using SmartAudit.Kafka.Post;
using static SmartAudit.Kafka.Tests.ConsumedRecords;

namespace SmartAudit.Kafka.Tests.Post;

/// <summary>The cluster refusing a commit or part of a batch's output: the batch is processed again, nothing lost or doubled.</summary>
public class AuditWorkerFailureTests
{
    private const short Produce = 0;
    private const short OffsetCommit = 8;
    private const int RebalanceInProgress = 27;
    private const int MessageTooLarge = 10;

    [Fact]
    public async Task Worker_CommitRefused_BatchProcessedAgainWithoutPublishingItTwice()
    {
        await using var harness = new AuditWorkerHarness();
        harness.ProduceClaims(200);
        var worker = harness.Worker("w1");
        using var held = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var commits = 0;
        worker.StepHook = async step =>
        {
            if (step == WorkerStep.BeforeCommit && ++commits == 2)
            {
                held.Release();
                await release.WaitAsync();
            }
        };
        harness.Start(worker);

        Assert.True(await held.WaitAsync(TimeSpan.FromSeconds(30)), "the worker reaches its second commit");
        harness.Cluster.FailNextRequests(OffsetCommit, RebalanceInProgress);
        release.Release();
        await harness.AllCommitted();

        Assert.True(worker.Stats.Retries >= 1, "the refused commit made the batch go round again");
        Assert.True(worker.Stats.AlreadyPublished > 0, "the batch's output was found on the topics, not published again");
        AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
        AuditWorkerTests.AssertExactly(harness.ExpectedRejections, harness.Rejections(), "rejections");
    }

    [Fact]
    public async Task Worker_OutputRefused_BatchProcessedAgainUntilAllOfItIsPublishedOnce()
    {
        await using var harness = new AuditWorkerHarness();
        harness.ProduceClaims(200);
        var worker = harness.Worker("w1");
        var outputs = 0;
        worker.StepHook = step =>
        {
            if (step == WorkerStep.OutputProduced && ++outputs == 20)
            {
                harness.Cluster.FailNextRequests(Produce, MessageTooLarge);
            }

            return ValueTask.CompletedTask;
        };
        harness.Start(worker);

        await harness.AllCommitted();

        Assert.True(worker.Stats.Retries >= 1, "the refused output made the batch go round again");
        AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
        AuditWorkerTests.AssertExactly(harness.ExpectedRejections, harness.Rejections(), "rejections");
        await Eventually(() => worker.AssignedPartitions.Count == AuditWorkerHarness.Partitions, "the worker still owns its partitions");
    }

    // Issue 16 item 2: two amounts near long.MaxValue overflowed the checked sum building the case, and the worker
    // (and with StopHostOnFailure the host) stopped.
    [Fact]
    public async Task Worker_ClaimAmountsNearLongMax_BecomesACaseAtTheLargestAmount_AndTheWorkerGoesOn()
    {
        await using var harness = new AuditWorkerHarness();
        harness.ProduceClaims(30);
        harness.ProduceOddClaim();
        harness.ProduceClaims(30);
        var (worker, run) = harness.Start(harness.Worker("w1"));

        await harness.AllCommitted();

        Assert.False(run.IsCompleted);
        AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
        Assert.Contains(harness.Cases(), c => System.Text.Json.JsonDocument.Parse(c.Message.Value).RootElement.GetProperty("claimAmountFen").GetInt64() == long.MaxValue);
        Assert.Equal(0, worker.Stats.Retries);
    }

    [Fact]
    public async Task Worker_AuditThrows_ClaimPublishedAsRejectedWithTheError_AndTheWorkerGoesOn()
    {
        await using var harness = new AuditWorkerHarness();
        harness.ProduceClaims(30);
        harness.ProduceOddClaim(throwOnRecord: true);
        harness.ProduceClaims(30);
        var (_, run) = harness.Start(harness.Worker("w1"));

        await harness.AllCommitted();

        Assert.False(run.IsCompleted);
        AuditWorkerTests.AssertExactly(harness.ExpectedCases, harness.Cases(), "cases");
        var rejections = harness.Rejections();
        AuditWorkerTests.AssertExactly(harness.ExpectedRejections, rejections, "rejections");
        Assert.Contains(rejections, r => Encoding.UTF8.GetString(r.Message.Value).Contains("could not be audited", StringComparison.Ordinal));
    }
}
