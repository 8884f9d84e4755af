using System.Text.Json;
using System.Text.Json.Nodes;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Testing;

namespace SmartAudit.Fraud.Tests;

/// <summary>
/// The fraud fields of smartaudit.decision.v1 are part of the record's contract: the serialized form of a
/// scored decision is compared with the sample committed in Schemas/ (and shown in docs/decision-log.md).
/// </summary>
public class DecisionRecordTests
{
    private static readonly string SamplePath = Path.Combine(AppContext.BaseDirectory, "Schemas", "decision-with-fraud.json");

    [Fact]
    public void DecisionRecord_ScoredDecision_MatchesTheCommittedSample()
    {
        var json = JsonNode.Parse(DecisionJsonContext.ToUtf8(DecisionRecord.From(ScoredDecision())));
        var sample = JsonNode.Parse(File.ReadAllText(SamplePath));

        Assert.True(JsonNode.DeepEquals(sample, json), $"serialized now:\n{json!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
    }

    [Fact]
    public void DecisionRecord_CommittedSample_ReadsBackWithTheAssessment()
    {
        var record = JsonSerializer.Deserialize(File.ReadAllText(SamplePath), DecisionJsonContext.Default.DecisionRecord)!;

        Assert.Equal("fraud+0fdfd669", record.ModelVersion);
        Assert.Equal(0.9731, record.Fraud!.Score);
        Assert.Equal("Visits30Days", record.Fraud.Reasons[0].Feature);
    }

    private static Decision ScoredDecision()
    {
        var request = Orders.Request(Stage.Post, lines: Orders.Line("XC08CAA001A001", "1", quantity: 6, unitPriceFen: 2400, dailyDose: 8, daysOfSupply: 30));
        FraudReason[] reasons =
        [
            new("Visits30Days", 6, 8.6, "患者近30天就诊6次", "the patient had 6 visits in the last 30 days"),
            new("MaxQuantityRatio", 3, 5.1, "有明细数量是该项目常见数量的3.0倍", "a line's quantity is 3.0x the item's usual quantity"),
            new("SameProviderVisits30Days", 5, 4.2, "患者近30天在本院本科室就诊5次", "5 visits to this same department in the last 30 days"),
        ];
        Finding[] findings =
        [
            new("MODEL", "FRAUD_RISK", Severity.Warn, Certainty.Suspected,
                "疑似欺诈，风险评分0.97（模型fraud+0fdfd669）：患者近30天就诊6次；有明细数量是该项目常见数量的3.0倍；患者近30天在本院本科室就诊5次",
                "Possible fraud, risk score 0.97 (model fraud+0fdfd669): the patient had 6 visits in the last 30 days; a line's quantity is 3.0x the item's usual quantity; 5 visits to this same department in the last 30 days",
                []),
        ];
        return new Decision(request, AuditAction.Warn, findings, "0.1.0+9967829e", [], 412, new DateTimeOffset(2026, 3, 10, 9, 30, 15, TimeSpan.FromHours(8)),
            new FraudAssessment(0.9731, "fraud+0fdfd669", reasons));
    }
}
