using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>GZ-PRC-001 (超标准收费) over kb/price.csv: caps in fen per hospital level, MID and POST only.</summary>
public class OverStandardPriceTests
{
    private const string BloodCount = "250101001000000"; // 血常规: 1500 / 1800 / 2000 fen
    private const string OutpatientVisit = "110200001000000"; // 普通门诊诊查费: 600 / 800 / 1000 fen

    [Fact]
    public void PriceOneFenAboveLevel3Cap_AtMid_FiresWithPriceCapAndLevel()
    {
        var request = Orders.Request(Stage.Mid, null, Orders.Encounter(hospitalLevel: 3), Orders.Line(BloodCount, "L1", ItemKind.Service, unitPriceFen: 2001));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-PRC-001", finding.RuleId);
        Assert.Equal("OVER_STANDARD_PRICE", finding.Category);
        Assert.Equal(Severity.Warn, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Contains("血常规", finding.Message, StringComparison.Ordinal);
        Assert.Contains("单价20.01元", finding.Message, StringComparison.Ordinal);
        Assert.Contains("3级医院收费标准20.00元", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Complete blood count", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("unit price 20.01 yuan", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("level 3 cap of 20.00 yuan", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1500)]
    [InlineData(2, 1800)]
    [InlineData(3, 2000)]
    [InlineData(3, 100)]
    public void PriceAtOrBelowTheLevelsCap_IsSilent(int hospitalLevel, long unitPriceFen)
    {
        var request = Orders.Request(Stage.Mid, null, Orders.Encounter(hospitalLevel: hospitalLevel), Orders.Line(BloodCount, kind: ItemKind.Service, unitPriceFen: unitPriceFen));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(1, 1501, "15.00")]
    [InlineData(2, 1801, "18.00")]
    public void PriceAboveTheLevelsCap_Fires_NamingThatLevelsCap(int hospitalLevel, long unitPriceFen, string capYuan)
    {
        // 1801 fen is under the level-3 cap: the cap must be the one for the hospital's own level.
        var request = Orders.Request(Stage.Post, null, Orders.Encounter(hospitalLevel: hospitalLevel), Orders.Line(BloodCount, kind: ItemKind.Service, unitPriceFen: unitPriceFen));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-PRC-001", finding.RuleId);
        Assert.Contains($"{hospitalLevel}级医院收费标准{capYuan}元", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PriceAboveCap_AtPre_IsSilent()
    {
        var request = Orders.Request(Stage.Pre, null, Orders.Encounter(hospitalLevel: 1), Orders.Line(BloodCount, kind: ItemKind.Service, unitPriceFen: 99_999));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(Stage.Mid, Severity.Warn)]
    [InlineData(Stage.Post, Severity.Warn)]
    public void PriceAboveCap_HasTheStagesSeverity(Stage stage, Severity expected)
    {
        var request = Orders.Request(stage, null, Orders.Encounter(EncounterKind.Inpatient, 2), Orders.Line(OutpatientVisit, kind: ItemKind.Service, unitPriceFen: 801));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(expected, Assert.Single(result.Findings).Severity);
    }

    [Fact]
    public void ItemWithoutCapForTheLevel_AnyPrice_IsSilent()
    {
        // A price row may leave a level's cap empty: a null cap must never compare as "above".
        var prices = """
            item_code,cap_level1_fen,cap_level2_fen,cap_level3_fen
            110200001000000,600,,1000
            """;
        var compilation = RuleSetCompiler.Compile(ShippedRules.With("kb/price.csv", prices));
        Assert.True(compilation.Succeeded, string.Join('\n', compilation.Problems));
        var request = Orders.Request(Stage.Mid, null, Orders.Encounter(hospitalLevel: 2), Orders.Line(OutpatientVisit, kind: ItemKind.Service, unitPriceFen: 99_999));

        var result = AuditEngine.Evaluate(compilation.RuleSet!, request);

        Assert.Empty(result.Findings);
        Assert.Empty(result.DegradedReasons);
    }
}
