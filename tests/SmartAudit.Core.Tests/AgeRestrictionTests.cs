using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>GZ-AGE-001 (禁儿童, minimum age) and GZ-AGE-002 (限儿童, maximum age) over kb/age.csv.</summary>
public class AgeRestrictionTests
{
    private const string Levofloxacin = "XJ01MAL101A001"; // 左氧氟沙星片, 18 and over
    private const string PaediatricCold = "XR05CBA077A001"; // 小儿氨酚黄那敏颗粒, 14 and under

    [Fact]
    public void AdultsOnlyDrug_ForPatientOf17_FiresWithLimitAndAge()
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(ageYears: 17), null, Orders.Line(Levofloxacin, "L1"));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-AGE-001", finding.RuleId);
        Assert.Equal("AGE_RESTRICTION", finding.Category);
        Assert.Equal(Severity.Remind, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Contains("左氧氟沙星片", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限18岁", finding.Message, StringComparison.Ordinal);
        Assert.Contains("本患者17岁", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Levofloxacin tablets", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("aged 18 and over", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("this patient is 17", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(18)]
    [InlineData(60)]
    public void AdultsOnlyDrug_ForPatientAtOrAboveMinimumAge_IsSilent(int ageYears)
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(ageYears: ageYears), null, Orders.Line(Levofloxacin));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void AdultsOnlyDrug_On18thBirthday_IsSilent()
    {
        var patient = Orders.Patient() with { BirthDate = Orders.Today.AddYears(-18) };
        var request = Orders.Request(Stage.Pre, patient, null, Orders.Line(Levofloxacin));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void AdultsOnlyDrug_DayBefore18thBirthday_Fires()
    {
        var patient = Orders.Patient() with { BirthDate = Orders.Today.AddYears(-18).AddDays(1) };
        var request = Orders.Request(Stage.Pre, patient, null, Orders.Line(Levofloxacin));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-AGE-001", finding.RuleId);
        Assert.Contains("本患者17岁", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdultsOnlyDrug_InAStayThatCrossesThe18thBirthday_IsJudgedOnItsOwnLinesDate()
    {
        // Regression: age was taken at the request's earliest service date for every line.
        var patient = Orders.Patient() with { BirthDate = Orders.Today.AddYears(-18).AddDays(2) };
        var request = Orders.Request(Stage.Post, patient, Orders.Encounter(EncounterKind.Inpatient),
            Orders.Line("XB05BBN001A001", "L1"),
            Orders.Line(Levofloxacin, "L2", serviceDate: Orders.Today.AddDays(3)),
            Orders.Line(Levofloxacin, "L3", serviceDate: Orders.Today.AddDays(1)));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings, f => f.RuleId == "GZ-AGE-001");
        Assert.Equal(["L3"], finding.LineIds);
        Assert.Contains("本患者17岁", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChildrenOnlyDrug_ForPatientOf15_FiresWithLimitAndAge()
    {
        var request = Orders.Request(Stage.Mid, Orders.Patient(ageYears: 15), null, Orders.Line(PaediatricCold, "L1"));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-AGE-002", finding.RuleId);
        Assert.Equal(Severity.Warn, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Contains("小儿氨酚黄那敏颗粒", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限14岁", finding.Message, StringComparison.Ordinal);
        Assert.Contains("本患者15岁", finding.Message, StringComparison.Ordinal);
        Assert.Contains("aged 14 and under", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("this patient is 15", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(14)]
    public void ChildrenOnlyDrug_ForPatientAtOrBelowMaximumAge_IsSilent(int ageYears)
    {
        // The item has no minimum age: GZ-AGE-001 compares against a null limit and must stay silent too.
        var request = Orders.Request(Stage.Pre, Orders.Patient(ageYears: ageYears), null, Orders.Line(PaediatricCold));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(Stage.Pre, Severity.Remind)]
    [InlineData(Stage.Mid, Severity.Warn)]
    [InlineData(Stage.Post, Severity.Warn)]
    public void AdultsOnlyDrug_ForChild_HasTheStagesSeverity(Stage stage, Severity expected)
    {
        var request = Orders.Request(stage, Orders.Patient(ageYears: 10), null, Orders.Line(Levofloxacin));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(expected, Assert.Single(result.Findings).Severity);
    }
}
