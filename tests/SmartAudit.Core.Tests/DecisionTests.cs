using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>DecisionMaker: findings to an action, and silent (on-trial) rules that never count.</summary>
public class DecisionTests
{
    private static readonly DateTimeOffset DecidedAt = new(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void ActionFor_NoFindings_IsPass()
    {
        Assert.Equal(AuditAction.Pass, DecisionMaker.ActionFor([]));
    }

    [Theory]
    [InlineData(Severity.Remind, AuditAction.Remind)]
    [InlineData(Severity.Warn, AuditAction.Warn)]
    [InlineData(Severity.Block, AuditAction.Block)]
    public void ActionFor_OneFinding_IsItsSeverity(Severity severity, AuditAction expected)
    {
        Assert.Equal(expected, DecisionMaker.ActionFor([Finding("R1", severity)]));
    }

    [Fact]
    public void ActionFor_MixedSeverities_MostSevereWins()
    {
        var findings = new[] { Finding("R1", Severity.Remind), Finding("R2", Severity.Block), Finding("R3", Severity.Warn) };

        Assert.Equal(AuditAction.Block, DecisionMaker.ActionFor(findings));
    }

    [Fact]
    public void ActionFor_SilentBlockBesideActiveRemind_IsRemind()
    {
        var findings = new[] { Finding("R1", Severity.Block, silent: true), Finding("R2", Severity.Remind) };

        Assert.Equal(AuditAction.Remind, DecisionMaker.ActionFor(findings));
    }

    [Fact]
    public void ActionFor_OnlySilentFindings_IsPass()
    {
        var findings = new[] { Finding("R1", Severity.Block, silent: true), Finding("R2", Severity.Warn, silent: true) };

        Assert.Equal(AuditAction.Pass, DecisionMaker.ActionFor(findings));
    }

    [Fact]
    public void Decide_SeveralFindings_OrdersMostSevereFirstKeepingRuleOrderWithinASeverity()
    {
        var request = Orders.Request();
        var result = new EngineResult(
            [Finding("R1", Severity.Remind), Finding("R2", Severity.Block), Finding("R3", Severity.Remind), Finding("R4", Severity.Warn), Finding("R5", Severity.Block)],
            []);

        var decision = DecisionMaker.Decide(request, ShippedRules.RuleSet, result, [], 42, DecidedAt);

        Assert.Equal(AuditAction.Block, decision.Action);
        Assert.Equal(["R2", "R5", "R4", "R1", "R3"], decision.Findings.Select(f => f.RuleId));
        Assert.Equal(ShippedRules.RuleSet.Version, decision.RuleSetVersion);
        Assert.Equal(42, decision.EvaluationMicros);
        Assert.Equal(DecidedAt, decision.DecidedAt);
        Assert.Same(request, decision.Request);
    }

    [Fact]
    public void Decide_HostAndEngineDegradedReasons_AreBothKept()
    {
        var result = new EngineResult([], ["rule X could not be evaluated (DivideByZeroException)"]);

        var decision = DecisionMaker.Decide(Orders.Request(), ShippedRules.RuleSet, result, ["history store unavailable"], 0, DecidedAt);

        Assert.True(decision.Degraded);
        Assert.Equal(["history store unavailable", "rule X could not be evaluated (DivideByZeroException)"], decision.DegradedReasons);
        Assert.Equal(AuditAction.Pass, decision.Action);
    }

    [Fact]
    public void Decide_ShippedRulesNothingWrong_IsPassAndNotDegraded()
    {
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line("XN02BEA020A001", dailyDose: 1500, daysOfSupply: 3));
        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var decision = DecisionMaker.Decide(request, ShippedRules.RuleSet, result, [], 0, DecidedAt);

        Assert.Equal(AuditAction.Pass, decision.Action);
        Assert.Empty(decision.Findings);
        Assert.False(decision.Degraded);
    }

    [Fact]
    public void Decide_ShippedRulesRemindAndBlock_IsBlock()
    {
        // 17-year-old male: levofloxacin is for adults (REMIND at PRE), progesterone for women (BLOCK at PRE).
        var request = Orders.Request(Stage.Pre, Orders.Patient(Sex.Male, 17), null, Orders.Line("XJ01MAL101A001", "L1"), Orders.Line("XG03DAH045A001", "L2"));
        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var decision = DecisionMaker.Decide(request, ShippedRules.RuleSet, result, [], 0, DecidedAt);

        Assert.Equal(AuditAction.Block, decision.Action);
        Assert.Equal(["GZ-SEX-001", "GZ-AGE-001"], decision.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public void SilentRule_ThatFires_IsRecordedButNeverChangesTheAction()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-TRIAL-001", "line.Quantity > 100") { Mode = "silent", Severity = "BLOCK" });
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line("XB05BBN001A001", "L1", quantity: 200));

        var result = AuditEngine.Evaluate(ruleSet, request);
        var decision = DecisionMaker.Decide(request, ruleSet, result, [], 0, DecidedAt);

        var finding = Assert.Single(decision.Findings);
        Assert.Equal("T-TRIAL-001", finding.RuleId);
        Assert.True(finding.Silent);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal(["L1"], finding.LineIds);
        Assert.Equal(AuditAction.Pass, decision.Action);
        Assert.Empty(decision.ActiveFindings);
    }

    [Fact]
    public void SilentBlockRule_BesideAnActiveRemind_ActionIsRemind()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-TRIAL-001", "line.Quantity > 100") { Mode = "silent", Severity = "BLOCK" });
        var request = Orders.Request(Stage.Pre, Orders.Patient(ageYears: 17), null, Orders.Line("XJ01MAL101A001", "L1", quantity: 200));

        var result = AuditEngine.Evaluate(ruleSet, request);
        var decision = DecisionMaker.Decide(request, ruleSet, result, [], 0, DecidedAt);

        Assert.Equal(AuditAction.Remind, decision.Action);
        Assert.Equal(["GZ-AGE-001"], decision.ActiveFindings.Select(f => f.RuleId));
        Assert.Equal(2, decision.Findings.Count);
    }

    [Fact]
    public void ActiveRuleWrittenWithModeActive_CountsTowardsTheAction()
    {
        var ruleSet = TestRuleSet.Compile(new TestRule("T-LIVE-001", "line.Quantity > 100") { Mode = "active", Severity = "WARN" });
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line("XB05BBN001A001", quantity: 200));

        var result = AuditEngine.Evaluate(ruleSet, request);

        Assert.False(Assert.Single(result.Findings).Silent);
        Assert.Equal(AuditAction.Warn, DecisionMaker.ActionFor(result.Findings));
    }

    private static Finding Finding(string ruleId, Severity severity, bool silent = false) =>
        new(ruleId, "TEST", severity, Certainty.Certain, "消息", "message", ["1"], silent);
}
