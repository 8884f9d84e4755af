using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>GZ-LVL-001 (限医院级别) over kb/level.csv.</summary>
public class HospitalLevelTests
{
    private const string Rituximab = "XL01XCR141A001"; // 利妥昔单抗注射液, level 3 only
    private const string Voriconazole = "XJ02ACV050A001"; // 注射用伏立康唑, level 2 and above

    [Fact]
    public void Level3Drug_AtLevel2Hospital_FiresWithBothLevels()
    {
        var request = Orders.Request(Stage.Pre, null, Orders.Encounter(hospitalLevel: 2), Orders.Line(Rituximab, "L1"));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-LVL-001", finding.RuleId);
        Assert.Equal("HOSPITAL_LEVEL_RESTRICTION", finding.Category);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Contains("利妥昔单抗注射液", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限3级及以上", finding.Message, StringComparison.Ordinal);
        Assert.Contains("本院为2级", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Rituximab injection", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("level 3 hospitals and above", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("this hospital is level 2", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Rituximab, 3)]
    [InlineData(Voriconazole, 2)]
    [InlineData(Voriconazole, 3)]
    public void RestrictedItem_AtOrAboveMinimumLevel_IsSilent(string itemCode, int hospitalLevel)
    {
        var request = Orders.Request(Stage.Pre, null, Orders.Encounter(hospitalLevel: hospitalLevel), Orders.Line(itemCode));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Level2Drug_AtLevel1Hospital_Fires()
    {
        var request = Orders.Request(Stage.Pre, null, Orders.Encounter(hospitalLevel: 1), Orders.Line(Voriconazole));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-LVL-001", finding.RuleId);
        Assert.Contains("注射用伏立康唑", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限2级及以上", finding.Message, StringComparison.Ordinal);
        Assert.Contains("本院为1级", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ItemWithoutLevelRow_AtLevel1Hospital_IsSilent()
    {
        var request = Orders.Request(Stage.Pre, null, Orders.Encounter(hospitalLevel: 1), Orders.Line("XC10AAA200A001")); // 阿托伐他汀钙片

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(Stage.Pre, Severity.Block)]
    [InlineData(Stage.Mid, Severity.Block)]
    [InlineData(Stage.Post, Severity.Warn)]
    public void Level3Drug_AtLevel1Hospital_HasTheStagesSeverity(Stage stage, Severity expected)
    {
        var request = Orders.Request(stage, null, Orders.Encounter(EncounterKind.Inpatient, hospitalLevel: 1), Orders.Line(Rituximab));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(expected, Assert.Single(result.Findings).Severity);
    }
}
