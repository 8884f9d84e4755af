using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>GZ-QTY-001 (daily dose) and GZ-QTY-002 (days of supply) over kb/dose.csv.</summary>
public class ExcessQuantityTests
{
    private const string Atorvastatin = "XC10AAA200A001"; // 阿托伐他汀钙片, 80 mg a day, 30 days
    private const string Paracetamol = "XN02BEA020A001"; // 对乙酰氨基酚片, 4000 mg a day, 7 days
    private const string Omeprazole = "XA02BCA075A001"; // 奥美拉唑肠溶胶囊, 40 mg a day, no days limit

    [Fact]
    public void DailyDoseOneAboveMaximum_Fires_NamingDoseLimitAndUnit()
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Atorvastatin, "L1", dailyDose: 81, daysOfSupply: 30));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-QTY-001", finding.RuleId);
        Assert.Equal("EXCESS_QUANTITY", finding.Category);
        Assert.Equal(Severity.Remind, finding.Severity);
        Assert.Equal(Certainty.Suspected, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Contains("阿托伐他汀钙片", finding.Message, StringComparison.Ordinal);
        Assert.Contains("日剂量81mg", finding.Message, StringComparison.Ordinal);
        Assert.Contains("最大日剂量80mg", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Atorvastatin tablets", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("daily dose 81 mg", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("maximum of 80 mg", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(80)]
    public void DailyDoseAtOrBelowMaximum_IsSilent(double dailyDose)
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Atorvastatin, dailyDose: dailyDose));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DailyDoseAFractionAboveMaximum_Fires_WithTheFraction()
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Atorvastatin, dailyDose: 80.5));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-QTY-001", finding.RuleId);
        Assert.Contains("日剂量80.5mg", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DaysOfSupplyOneAboveLimit_Outpatient_FiresWithDaysAndLimit()
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Paracetamol, "L1", dailyDose: 1500, daysOfSupply: 8));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-QTY-002", finding.RuleId);
        Assert.Equal("EXCESS_QUANTITY", finding.Category);
        Assert.Equal(Severity.Remind, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Contains("对乙酰氨基酚片", finding.Message, StringComparison.Ordinal);
        Assert.Contains("开药8天", finding.Message, StringComparison.Ordinal);
        Assert.Contains("限量7天", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Paracetamol tablets", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("8 days of supply", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("limit of 7 days", finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void DaysOfSupplyAtOrBelowLimit_IsSilent(int daysOfSupply)
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Paracetamol, dailyDose: 1500, daysOfSupply: daysOfSupply));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DaysOfSupplyAboveLimit_Pharmacy_Fires()
    {
        var request = Orders.Request(Stage.Pre, null, Orders.Encounter(EncounterKind.Pharmacy), Orders.Line(Paracetamol, daysOfSupply: 8));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal("GZ-QTY-002", Assert.Single(result.Findings).RuleId);
    }

    [Theory]
    [InlineData(Stage.Pre)]
    [InlineData(Stage.Mid)]
    [InlineData(Stage.Post)]
    public void DaysOfSupplyAboveLimit_Inpatient_IsSilent(Stage stage)
    {
        var request = Orders.Request(stage, null, Orders.Encounter(EncounterKind.Inpatient), Orders.Line(Paracetamol, daysOfSupply: 30));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DailyDoseAboveMaximum_Inpatient_StillFires()
    {
        var request = Orders.Request(Stage.Mid, null, Orders.Encounter(EncounterKind.Inpatient), Orders.Line(Paracetamol, dailyDose: 4001, daysOfSupply: 30));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-QTY-001", finding.RuleId);
        Assert.Equal(Severity.Warn, finding.Severity);
    }

    [Fact]
    public void ItemWithoutDaysLimit_ManyDaysOfSupply_IsSilent()
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Omeprazole, dailyDose: 40, daysOfSupply: 90));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DoseAndDaysBothAboveLimits_FiresBothRulesOnTheLine()
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Paracetamol, "L1", dailyDose: 5000, daysOfSupply: 10));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(["GZ-QTY-001", "GZ-QTY-002"], result.Findings.Select(f => f.RuleId).Order(StringComparer.Ordinal));
        Assert.All(result.Findings, f => Assert.Equal(["L1"], f.LineIds));
    }
}
