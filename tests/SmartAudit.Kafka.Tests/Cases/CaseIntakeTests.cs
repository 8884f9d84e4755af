using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using SmartAudit.Kafka.Cases;
using static SmartAudit.Kafka.Tests.ConsumedRecords;
using TestCases = SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Kafka.Tests.Cases;

/// <summary>The case decision log's records, and the intake keeping a store current from the topics.</summary>
public sealed class CaseIntakeTests
{
    [Fact]
    public async Task CaseDecisionLog_ProducesEachDecisionKeyedByCaseIdWithItsSchema()
    {
        await using var topics = await CaseTopics.StartAsync();
        var decision = CaseWorkflow.Decide(new CaseFile(TestCases.Flagged("C7"), []), TestCases.FirstReview(), TestCases.ReviewerWang, TestCases.FlaggedAt.AddHours(1));

        await topics.Log.AppendAsync(decision);
        var record = Assert.Single(topics.Harness.Cluster.ReadAll(CaseTopics.CaseDecisionsTopic, 3, 1));

        Assert.Equal("C7", record.Message.Key);
        Assert.Equal(CaseDecision.SchemaV1, record.Header("schema"));
        Assert.True(Guid.TryParse(record.Header("record-id"), out _));
        Assert.Equal(decision.DecidedAt.ToUnixTimeMilliseconds(), record.Message.Timestamp.UnixTimestampMs);
        Assert.Equal(decision, CaseJsonContext.ReadDecision(record.Message.Value));
    }

    [Fact]
    public async Task Intake_KeepsTheStoreCurrent_SkippingWhatTheWorkbenchWroteFirst()
    {
        await using var topics = await CaseTopics.StartAsync();
        var workbench = new InMemoryCaseStore();
        await CaseRebuildTests.PublishAndDecideAsync(topics, workbench);
        var view = new InMemoryCaseStore();
        var c1 = (await workbench.GetAsync("C1"))!;
        await view.AddAsync(c1.Record); // the case and its first decision reached this store before the intake read them
        await view.AppendAsync(c1.Decisions[0]);

        using var intake = Intake(topics, view);
        await intake.StartAsync(CancellationToken.None);
        await Eventually(() => intake.Records >= 18, "the intake read every record");
        await intake.StopAsync(CancellationToken.None);

        // The POST decision of C2 may be read before C2's flag on the cases topic: then the case is raised from the
        // decision, the same case without the claim's place on the claims topic.
        await CaseRebuildTests.AssertSameAsync(workbench, view, ignoreClaimSource: true);
        Assert.Equal(1, intake.Unreadable);
        Assert.Equal(0, intake.WaitingDecisions);
    }

    [Fact]
    public async Task Intake_ADecisionBeforeItsCase_WaitsForTheCase_AndARestartDoesNotApplyAnythingTwice()
    {
        await using var topics = await CaseTopics.StartAsync();
        var workbench = new InMemoryCaseStore();
        await workbench.AddAsync(TestCases.Flagged("C1"));
        await topics.DecideAsync(workbench, "C1", TestCases.FirstReview(), TestCases.ReviewerWang, 1);
        await topics.FlushAsync(1);
        var view = new InMemoryCaseStore();
        using (var intake = Intake(topics, view))
        {
            await intake.StartAsync(CancellationToken.None);
            await Eventually(() => intake.WaitingDecisions == 1, "the decision waits for its case");

            topics.PublishCase(TestCases.Flagged("C1"));
            await Eventually(() => intake.WaitingDecisions == 0, "the decision applied once its case came");
            await intake.StopAsync(CancellationToken.None);
        }

        await topics.DecideAsync(workbench, "C1", TestCases.SecondReview(), TestCases.LeadLi, 2);
        await topics.FlushAsync(2);
        using (var restarted = Intake(topics, view))
        {
            await restarted.StartAsync(CancellationToken.None);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await view.GetAsync("C1"))!.Decisions.Count < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the second review after the restart");
                await Task.Delay(20);
            }

            await restarted.StopAsync(CancellationToken.None);
        }

        await CaseRebuildTests.AssertSameAsync(workbench, view);
    }

    // Issue 16 item 2: two amounts near long.MaxValue overflowed the checked sum building the case, outside any catch,
    // and the intake's fault stopped the host.
    [Fact]
    public async Task Intake_DecisionAmountsNearLongMax_CaseAtTheLargestAmount_AndTheIntakeGoesOn()
    {
        await using var topics = await CaseTopics.StartAsync();
        var huge = CaseTopics.Decision("R-HUGE", "MID", "BLOCK") with
        {
            Lines = [new("1", "XG04CBF036A001", "DRUG", 1, 1, long.MaxValue - 1), new("2", "XG04CBF036A001", "DRUG", 1, 1, long.MaxValue - 1)],
        };
        topics.PublishDecision(huge);
        topics.PublishDecision(CaseTopics.Decision("R-NEXT", "MID", "BLOCK"));
        var view = new InMemoryCaseStore();

        using var intake = Intake(topics, view);
        await intake.StartAsync(CancellationToken.None);
        await Eventually(() => intake.Records >= 2, "the intake read both decisions");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await view.GetAsync("R-NEXT") is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the case after the huge one");
            await Task.Delay(20);
        }

        Assert.Equal(long.MaxValue, (await view.GetAsync("R-HUGE"))!.Record.ClaimAmountFen);
        Assert.False(intake.ExecuteTask!.IsCompleted);
        await intake.StopAsync(CancellationToken.None);
    }

    private static KafkaCaseIntake Intake(CaseTopics topics, ICaseStore store) => new(
        Options.Create(topics.Kafka),
        Options.Create(new CaseIntakeOptions
        {
            GroupId = "intake-test",
            MaxBatchWait = TimeSpan.FromMilliseconds(50),
            Consumer =
        {
            ["session.timeout.ms"] = "4000", // the mock's coordinator waits for the member that left, up to this
            ["heartbeat.interval.ms"] = "200",
        },
    }),
        store,
        NullLogger<KafkaCaseIntake>.Instance);
}
