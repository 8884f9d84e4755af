using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>GZ-SEX-001 (限性别) over kb/sex.csv.</summary>
public class SexRestrictionTests
{
    private const string Progesterone = "XG03DAH045A001"; // 黄体酮注射液, women only
    private const string ProstateMassage = "311000009000000"; // 前列腺按摩, men only

    [Fact]
    public void WomenOnlyDrug_ForMalePatient_FiresWithBothSexesNamed()
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(Sex.Male), null, Orders.Line(Progesterone, "L1"));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-SEX-001", finding.RuleId);
        Assert.Equal("SEX_RESTRICTION", finding.Category);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.False(finding.Silent);
        Assert.Contains("黄体酮注射液", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限女性", finding.Message, StringComparison.Ordinal);
        Assert.Contains("本患者为男性", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Progesterone injection", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("female patients only", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("this patient is male", finding.MessageEn, StringComparison.Ordinal);
        Assert.Empty(result.DegradedReasons);
    }

    [Fact]
    public void MenOnlyService_ForFemalePatient_Fires()
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(Sex.Female), null, Orders.Line(ProstateMassage, "L1", ItemKind.Service));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-SEX-001", finding.RuleId);
        Assert.Contains("前列腺按摩", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限男性", finding.Message, StringComparison.Ordinal);
        Assert.Contains("this patient is female", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Progesterone, Sex.Female)]
    [InlineData(ProstateMassage, Sex.Male)]
    public void RestrictedItem_ForPatientOfThatSex_IsSilent(string itemCode, Sex sex)
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(sex), null, Orders.Line(itemCode));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(Sex.Male)]
    [InlineData(Sex.Female)]
    public void ItemWithoutSexRow_ForEitherSex_IsSilent(Sex sex)
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(sex), null, Orders.Line("XN02BEA020A001")); // 对乙酰氨基酚片

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(Stage.Pre, Severity.Block)]
    [InlineData(Stage.Mid, Severity.Block)]
    [InlineData(Stage.Post, Severity.Warn)]
    public void WomenOnlyDrug_ForMalePatient_HasTheStagesSeverity(Stage stage, Severity expected)
    {
        var request = Orders.Request(stage, Orders.Patient(Sex.Male), null, Orders.Line(Progesterone));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(expected, Assert.Single(result.Findings).Severity);
    }

    [Fact]
    public void TwoRestrictedLines_OneViolating_NamesOnlyThatLine()
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(Sex.Male), null,
            Orders.Line(ProstateMassage, "L1", ItemKind.Service), Orders.Line(Progesterone, "L2"));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(["L2"], Assert.Single(result.Findings).LineIds);
    }
}
