using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>What the engine does whatever the rule family: unknown items, dates in force, rules that throw.</summary>
public class AuditEngineTests
{
    private const string Saline = "XB05BBN001A001"; // 氯化钠注射液: in the catalogue, in no table
    private const string Progesterone = "XG03DAH045A001"; // 黄体酮注射液, women only

    [Theory]
    [InlineData(Stage.Pre, EncounterKind.Outpatient)]
    [InlineData(Stage.Mid, EncounterKind.Inpatient)]
    [InlineData(Stage.Post, EncounterKind.Pharmacy)]
    public void UnknownItemCode_WithExtremeValues_NoFindingAndNotDegraded(Stage stage, EncounterKind kind)
    {
        var request = Orders.Request(stage, Orders.Patient(Sex.Male, 1), Orders.Encounter(kind, 1),
            Orders.Line("NOT-IN-CATALOGUE", quantity: 1000, unitPriceFen: 10_000_000, dailyDose: 1e6, daysOfSupply: 365));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
        Assert.Empty(result.DegradedReasons);
    }

    [Fact]
    public void UnknownItemCode_NextToAViolatingLine_OnlyTheViolationFires()
    {
        var request = Orders.Request(Stage.Pre, Orders.Patient(Sex.Male), null, Orders.Line("NOT-IN-CATALOGUE", "L1"), Orders.Line(Progesterone, "L2"));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-SEX-001", finding.RuleId);
        Assert.Equal(["L2"], finding.LineIds);
    }

    [Fact]
    public void NoLines_NoFinding()
    {
        var request = Orders.Request(Stage.Post, null, Orders.Encounter(EncounterKind.Inpatient));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
        Assert.Empty(result.DegradedReasons);
    }

    [Theory]
    [InlineData(null, "2026-03-09")]
    [InlineData("2026-03-11", null)]
    [InlineData("2025-01-01", "2025-12-31")]
    public void RuleNotInForceOnTheServiceDate_DoesNotFire(string? effectiveFrom, string? effectiveTo)
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-DATE-001", "true") { EffectiveFrom = effectiveFrom, EffectiveTo = effectiveTo });
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Saline, serviceDate: Orders.Today));

        var result = AuditEngine.Evaluate(ruleSet, request);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData("2026-03-10", null)]
    [InlineData(null, "2026-03-10")]
    [InlineData("2026-03-10", "2026-03-10")]
    [InlineData("2020-01-01", "2030-12-31")]
    public void RuleInForceOnTheServiceDate_BoundsInclusive_Fires(string? effectiveFrom, string? effectiveTo)
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-DATE-001", "true") { EffectiveFrom = effectiveFrom, EffectiveTo = effectiveTo });
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Saline, "L1", serviceDate: Orders.Today));

        var result = AuditEngine.Evaluate(ruleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("T-DATE-001", finding.RuleId);
        Assert.Equal(["L1"], finding.LineIds);
    }

    [Fact]
    public void RuleEndingMidRequest_FiresOnlyForLinesServedWhileInForce()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-DATE-001", "true") { EffectiveTo = "2026-03-10" });
        var request = Orders.Request(Stage.Post, null, Orders.Encounter(EncounterKind.Inpatient),
            Orders.Line(Saline, "L1", serviceDate: Orders.Today), Orders.Line(Saline, "L2", serviceDate: Orders.Today.AddDays(1)));

        var result = AuditEngine.Evaluate(ruleSet, request);

        Assert.Equal(["L1"], Assert.Single(result.Findings).LineIds);
    }

    [Fact]
    public void RuleDividingByZero_IsSkipped_AndNamedInDegradedReasons()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-DIV-001", "100 / line.DaysOfSupply > 1"));
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Saline, daysOfSupply: 0));

        var result = AuditEngine.Evaluate(ruleSet, request);

        Assert.Empty(result.Findings);
        var reason = Assert.Single(result.DegradedReasons);
        Assert.Contains("T-DIV-001", reason, StringComparison.Ordinal);
        Assert.Contains(nameof(DivideByZeroException), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleCallingAMethodOnANullString_IsSkipped_AndNamedInDegradedReasons()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-NULL-001", "ctx.Patient.Region.StartsWith(\"31\")"));
        var patient = Orders.Patient() with { Region = null! };
        var request = Orders.Request(Stage.Pre, patient, null, Orders.Line(Saline));

        var result = AuditEngine.Evaluate(ruleSet, request);

        Assert.Empty(result.Findings);
        var reason = Assert.Single(result.DegradedReasons);
        Assert.Contains("T-NULL-001", reason, StringComparison.Ordinal);
        Assert.Contains(nameof(NullReferenceException), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleThrowingOnEveryLine_IsNamedOnce_AndOtherRulesStillFire()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-DIV-001", "100 / line.DaysOfSupply > 1"));
        var request = Orders.Request(Stage.Pre, Orders.Patient(Sex.Male), null,
            Orders.Line(Saline, "L1"), Orders.Line(Progesterone, "L2"), Orders.Line(Saline, "L3", serviceDate: Orders.Today.AddDays(1)));

        var result = AuditEngine.Evaluate(ruleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-SEX-001", finding.RuleId);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Contains("T-DIV-001", Assert.Single(result.DegradedReasons), StringComparison.Ordinal);
    }

    [Fact]
    public void RuleThrowingOnlyForSomeLines_FiresForTheOthers()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-DIV-001", "100 / line.DaysOfSupply > 10"));
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Saline, "L1", daysOfSupply: 0),
            Orders.Line(Saline, "L2", daysOfSupply: 3, serviceDate: Orders.Today.AddDays(1)));

        var result = AuditEngine.Evaluate(ruleSet, request);

        Assert.Equal(["L2"], Assert.Single(result.Findings).LineIds);
        Assert.Contains("T-DIV-001", Assert.Single(result.DegradedReasons), StringComparison.Ordinal);
    }

    [Fact]
    public void MessageHoleThrowing_RuleStillFires_WithAPlaceholder()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-MSG-001", "line.DaysOfSupply == 0")
        {
            MessageZh = "比值{100 / line.DaysOfSupply}",
            MessageEn = "ratio {100 / line.DaysOfSupply}",
        });
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Saline, daysOfSupply: 0));

        var result = AuditEngine.Evaluate(ruleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("比值?", finding.Message);
        Assert.Equal("ratio ?", finding.MessageEn);
    }

    [Fact]
    public void EncounterRule_Fires_WithNoLineIds()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-ENC-001", "ctx.LineCount > 2") { Scope = "encounter", Severity = "WARN" });
        var request = Orders.Request(Stage.Mid, null, null, Orders.Line(Saline, "L1"), Orders.Line(Saline, "L2", serviceDate: Orders.Today.AddDays(1)), Orders.Line(Saline, "L3", serviceDate: Orders.Today.AddDays(2)));

        var result = AuditEngine.Evaluate(ruleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("T-ENC-001", finding.RuleId);
        Assert.Equal(Severity.Warn, finding.Severity);
        Assert.Empty(finding.LineIds);
        Assert.Equal("test rule 2026-03-10", finding.MessageEn);
    }
}
