using SmartAudit.Core.Cases;
using System.Text.Json;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Kafka.Post;

namespace SmartAudit.Kafka.Tests;

/// <summary>
/// The record schemas are a contract with every consumer of the topics: the serialized form of each
/// version is compared field by field with a sample committed beside these tests
/// (<c>Schemas/&lt;schema&gt;.json</c>). A failure means the contract changed: either undo the change, or
/// (adding an optional field) update the sample and <c>docs/decision-log.md</c> together, or (anything
/// else) start a new schema version.
/// </summary>
public class SchemaSnapshotTests
{
    [Fact]
    public void DecisionRecordV1_Serialized_MatchesTheCommittedSampleFieldByField()
    {
        var json = DecisionJsonContext.ToUtf8(DecisionRecord.From(Records.Decision()));

        AssertMatchesSample(DecisionRecord.SchemaV1, json);
    }

    [Fact]
    public void FeedbackRecordV1_Serialized_MatchesTheCommittedSampleFieldByField()
    {
        var json = DecisionJsonContext.ToUtf8(FeedbackRecord.From(Records.Feedback()));

        AssertMatchesSample(FeedbackRecord.SchemaV1, json);
    }

    [Fact]
    public void CaseRecordV1_Serialized_MatchesTheCommittedSampleFieldByField()
    {
        var decision = Records.Decision() with { Action = AuditAction.Warn };
        decision = decision with { Request = decision.Request with { Stage = Stage.Post } };

        var json = PostJsonContext.ToUtf8(CaseRecord.From(decision, new ClaimSource("smartaudit.claims.v1", 3, 1234)));

        AssertMatchesSample(CaseRecord.SchemaV1, json);
    }

    [Fact]
    public void CaseDecisionV1_Serialized_MatchesTheCommittedSampleFieldByField()
    {
        var decision = new CaseDecision(CaseDecision.SchemaV1, "R0001#3", "R0001", 3, CaseStep.Reversal, CaseOutcome.FalsePositive, 0, "医院补交了检查报告",
            "chen.lead", ReviewRole.Lead, new DateTimeOffset(2026, 3, 12, 16, 5, 0, TimeSpan.FromHours(8)), Reverses: 2);

        AssertMatchesSample(CaseDecision.SchemaV1, CaseJsonContext.ToUtf8(decision));
    }

    [Fact]
    public void CaseRecordV1_WrittenBeforeStageWasAdded_ReadsAsPost()
    {
        var sample = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(JsonSnapshot.SamplePath(CaseRecord.SchemaV1)))!.AsObject();
        sample.Remove("stage");

        var record = CaseJsonContext.ReadCase(System.Text.Encoding.UTF8.GetBytes(sample.ToJsonString()));

        Assert.Equal("POST", record.Stage);
        Assert.Equal(3, record.Source!.Partition);
    }

    [Fact]
    public void ClaimRejectedV1_Serialized_MatchesTheCommittedSampleFieldByField()
    {
        var record = new RejectedClaimRecord(RejectedClaimRecord.SchemaV1, new ClaimSource("smartaudit.claims.v1", 3, 1235), "C0002", "invalid claim",
            ["patient: is missing"], Records.DecidedAt, """{"requestId":"C0002","stage":"STAGE_POST"}""");

        AssertMatchesSample(RejectedClaimRecord.SchemaV1, PostJsonContext.ToUtf8(record));
    }

    [Fact]
    public void DecisionRecordV1_CommittedSample_ReadsBackIntoTheRecord()
    {
        var record = JsonSerializer.Deserialize(File.ReadAllText(JsonSnapshot.SamplePath(DecisionRecord.SchemaV1)), DecisionJsonContext.Default.DecisionRecord)!;

        Assert.Equal(DecisionRecord.SchemaV1, record.Schema);
        Assert.Equal("BLOCK", record.Action);
        Assert.Equal(2, record.Findings.Count);
        Assert.True(record.Findings[1].Silent);
    }

    [Fact]
    public void FeedbackRecordV1_CommittedSample_ReadsBackIntoTheRecord()
    {
        var record = JsonSerializer.Deserialize(File.ReadAllText(JsonSnapshot.SamplePath(FeedbackRecord.SchemaV1)), DecisionJsonContext.Default.FeedbackRecord)!;

        Assert.Equal(FeedbackRecord.SchemaV1, record.Schema);
        Assert.Equal("DOCUMENTED_INDICATION", record.OverrideReason);
    }

    [Fact]
    public void FeedbackRecordV1_WrittenBeforeInferredWasAdded_ReadsAsNotInferred()
    {
        const string before = """{"schema":"smartaudit.feedback.v1","requestId":"R1","ruleId":"GZ-SEX-001","kind":"CHANGED","overrideReason":null,"comment":"","doctorId":"D1","lineIds":[],"recordedAt":"2026-03-10T09:32:15+08:00"}""";

        var record = JsonSerializer.Deserialize(before, DecisionJsonContext.Default.FeedbackRecord)!;

        Assert.False(record.Inferred);
        Assert.Equal("CHANGED", record.Kind);
    }

    [Fact]
    public void Differences_RenamedAndChangedFields_NamesEachByPath()
    {
        using var expected = JsonDocument.Parse("""{"a":1,"b":{"c":"x"},"d":[true]}""");
        using var actual = JsonDocument.Parse("""{"a":1,"b":{"c":"y"},"e":[true]}""");

        var differences = JsonSnapshot.Differences(expected.RootElement, actual.RootElement);

        Assert.Equal(["$.b.c: expected \"x\", got \"y\"", "$.d: missing (a field was removed or renamed)", "$.e: not in the sample (a field was added)"], differences);
    }

    private static void AssertMatchesSample(string schema, byte[] json)
    {
        using var actual = JsonDocument.Parse(json);
        using var expected = JsonDocument.Parse(File.ReadAllText(JsonSnapshot.SamplePath(schema)));

        var differences = JsonSnapshot.Differences(expected.RootElement, actual.RootElement);

        Assert.True(differences.Count == 0,
            $"{schema} no longer matches Schemas/{schema}.json:\n  {string.Join("\n  ", differences)}\nserialized now:\n{JsonSerializer.Serialize(actual.RootElement, Indented)}");
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
