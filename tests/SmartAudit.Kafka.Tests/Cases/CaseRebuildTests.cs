using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using SmartAudit.Kafka.Cases;
using SmartAudit.Redis;
using SmartAudit.Redis.Cases;
using SmartAudit.Testing;
using TestCases = SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Kafka.Tests.Cases;

/// <summary>
/// The store rebuilt from the three topics equals the store the workbench kept: the same queue in the same order,
/// the same states and the same decisions, in memory and in Redis.
/// </summary>
public sealed class CaseRebuildTests
{
    private static readonly CaseQuery Everything = new() { Status = StatusFilter.All, PageSize = CaseQuery.MaxPageSize };

    [Fact]
    public async Task Rebuild_FromTheTopics_EqualsTheStoreTheWorkbenchKept_InMemoryAndInRedis()
    {
        await using var topics = await CaseTopics.StartAsync();
        var original = new InMemoryCaseStore();
        await PublishAndDecideAsync(topics, original);
        var rebuilder = new CaseRebuilder(topics.Kafka, new CaseIntakeOptions(), NullLogger.Instance);

        var inMemory = new InMemoryCaseStore();
        var memoryReport = await rebuilder.RebuildAsync(inMemory, CancellationToken.None);
        await using var redis = await RedisServerProcess.StartAsync();
        await using var multiplexer = RedisConnection.Connect(new RedisOptions { Configuration = redis.Configuration }, "rebuild-test");
        await using var inRedis = new RedisCaseStore(multiplexer, new RedisKeys("smartaudit:"),
            Options.Create(new RedisOptions { Configuration = redis.Configuration }), NullLogger<RedisCaseStore>.Instance);
        await inRedis.StartAsync(CancellationToken.None);
        await inRedis.AddAsync(TestCases.Flagged("stale")); // a rebuild starts from nothing
        var redisReport = await rebuilder.RebuildAsync(inRedis, CancellationToken.None);

        await AssertSameAsync(original, inMemory);
        await AssertSameAsync(original, inRedis);
        foreach (var report in new[] { memoryReport, redisReport })
        {
            Assert.Equal(5, report.CaseRecords); // four cases and one record that is not one
            Assert.Equal(1, report.Unreadable);
            Assert.Equal(4, report.DecisionRecords);
            Assert.Equal(6, report.Cases); // four from the cases topic, two raised by PRE/MID decisions
            Assert.Equal(1, report.Outcomes[CaseReplayOutcome.AlreadyPresent]); // the POST decision of a published case
            Assert.Equal(1, report.Outcomes[CaseReplayOutcome.NotACase]);
            Assert.Equal(9, report.CaseDecisionRecords);
            Assert.Equal(8, report.Outcomes[CaseReplayOutcome.Appended]);
            Assert.Equal(1, report.Outcomes[CaseReplayOutcome.Duplicate]);
            Assert.Equal(0, report.DecisionsLeftOut);
        }

        var reversed = (await inRedis.GetAsync("C1"))!;
        Assert.Equal(CaseStatus.FalsePositive, reversed.State.Status);
        Assert.Equal(2, reversed.State.Final!.Reverses);
        Assert.Equal(new ClaimSource("smartaudit.claims.v1", 0, 7), reversed.Record.Source);
    }

    [Fact]
    public async Task Rebuild_ATopicMissing_FailsNamingIt()
    {
        using var cluster = new KafkaMockCluster();
        cluster.CreateTopic(CaseTopics.CasesTopic, 1);
        var kafka = new KafkaOptions { BootstrapServers = cluster.BootstrapServers };
        var rebuilder = new CaseRebuilder(kafka, new CaseIntakeOptions(), NullLogger.Instance);

        var failure = await Assert.ThrowsAsync<Confluent.Kafka.KafkaException>(() => rebuilder.RebuildAsync(new InMemoryCaseStore(), CancellationToken.None));

        Assert.Contains(kafka.DecisionsTopic, failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Four POST cases and four audit decisions (a BLOCK and a scored WARN that raise cases, a REMIND that does not,
    /// and the POST decision of a published case); then the review: a confirmation reversed, a first review, a
    /// false positive, a reassignment; and one case decision produced twice.
    /// </summary>
    internal static async Task PublishAndDecideAsync(CaseTopics topics, ICaseStore original)
    {
        CaseRecord[] cases =
        [
            TestCases.Flagged("C1", score: 0.95),
            TestCases.Flagged("C2", score: 0.4, hospitalId: "H002"),
            TestCases.Flagged("C3", score: 0.7, ruleIds: ["GZ-EXC-001"]),
            TestCases.Flagged("C4", score: 0.1, patientId: "P0002"),
        ];
        foreach (var record in cases)
        {
            topics.PublishCase(record);
            await original.AddAsync(record);
        }

        topics.PublishGarbage();
        var replay = new CaseReplay(original, new CasePolicy(), TimeSpan.FromHours(8)); // as the embedded intake raises them
        foreach (var decision in new[]
        {
            CaseTopics.Decision("PRE-1", "PRE", "BLOCK"),
            CaseTopics.Decision("MID-1", "MID", "WARN", fraud: 0.9),
            CaseTopics.Decision("PRE-2", "PRE", "REMIND"),
            CaseTopics.DecisionOf(cases[1]),
        })
        {
            topics.PublishDecision(decision);
            await replay.AddDecisionAsync(decision, CancellationToken.None);
        }

        await topics.DecideAsync(original, "C1", TestCases.FirstReview(), TestCases.ReviewerWang, 1);
        await topics.DecideAsync(original, "C1", TestCases.SecondReview(deductFen: 9000), TestCases.LeadLi, 2);
        var reversal = new CaseDecisionInput(CaseStep.Reversal, CaseOutcome.FalsePositive, 0, "医院补交了检查报告", 2);
        await topics.DecideAsync(original, "C1", reversal, TestCases.LeadChen, 3);
        var first = await topics.DecideAsync(original, "C2", TestCases.FirstReview(CaseOutcome.FalsePositive), TestCases.ReviewerZhao, 1);
        await topics.DecideAsync(original, "PRE-1", TestCases.FirstReview(deductFen: 2000), TestCases.ReviewerWang, 1);
        await topics.DecideAsync(original, "PRE-1", TestCases.SecondReview(CaseOutcome.FalsePositive), TestCases.LeadLi, 2);
        await topics.DecideAsync(original, "MID-1", new CaseDecisionInput(CaseStep.Reassign, null, 0, null, 0, "zhao.reviewer"), TestCases.LeadLi, 1);
        await topics.DecideAsync(original, "MID-1", TestCases.FirstReview(deductFen: 1000, version: 1), TestCases.ReviewerZhao, 2);
        await topics.Log.AppendAsync(first); // produced twice, as a spool replay may
        await topics.FlushAsync(9);
    }

    internal static async Task AssertSameAsync(ICaseStore expected, ICaseStore actual, bool ignoreClaimSource = false)
    {
        var queue = (await expected.QueryAsync(Everything)).Items;
        Assert.Equal(queue.Select(Row), (await actual.QueryAsync(Everything)).Items.Select(Row));
        foreach (var row in queue)
        {
            var want = (await expected.GetAsync(row.CaseId))!;
            var got = (await actual.GetAsync(row.CaseId))!;
            Assert.Equal(want.Decisions, got.Decisions);
            Assert.Equal(want.State, got.State);
            var record = ignoreClaimSource ? got.Record with { Source = want.Record.Source } : got.Record;
            Assert.Equal(CaseJsonContext.ToUtf8(want.Record), CaseJsonContext.ToUtf8(record));
        }
    }

    private static string Row(CaseSummary s) =>
        $"{s.CaseId} {s.Stage} risk {s.Risk} {s.Status} assigned {s.AssignedTo} deduct {s.DeductFen} updated {s.UpdatedAt:O} rules {string.Join(',', s.RuleIds)}";
}
