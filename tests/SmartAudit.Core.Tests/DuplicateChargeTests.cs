using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>GZ-DUP-001 (重复收费): a pair rule over lines with the same item code.</summary>
public class DuplicateChargeTests
{
    private const string BloodCount = "250101001000000"; // 血常规
    private const string UrineTest = "250301001000000"; // 尿常规

    [Fact]
    public void SameItemSameDay_Fires_NamingBothLines()
    {
        var request = Orders.Request(Stage.Mid, null, null,
            Orders.Line(BloodCount, "L1", ItemKind.Service), Orders.Line(BloodCount, "L2", ItemKind.Service));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("GZ-DUP-001", finding.RuleId);
        Assert.Equal("DUPLICATE_CHARGE", finding.Category);
        Assert.Equal(Severity.Warn, finding.Severity);
        Assert.Equal(Certainty.Suspected, finding.Certainty);
        Assert.Equal(["L1", "L2"], finding.LineIds);
        Assert.Contains("血常规", finding.Message, StringComparison.Ordinal);
        Assert.Contains("2026-03-10", finding.Message, StringComparison.Ordinal);
        Assert.Contains("明细L1", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Complete blood count", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("charged twice on 2026-03-10", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("same as line L1", finding.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void SameItemOnDifferentDays_IsSilent()
    {
        var request = Orders.Request(Stage.Post, null, Orders.Encounter(EncounterKind.Inpatient),
            Orders.Line(BloodCount, "L1", ItemKind.Service, serviceDate: Orders.Today),
            Orders.Line(BloodCount, "L2", ItemKind.Service, serviceDate: Orders.Today.AddDays(1)));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DifferentItemsSameDay_IsSilent()
    {
        var request = Orders.Request(Stage.Mid, null, null,
            Orders.Line(BloodCount, "L1", ItemKind.Service), Orders.Line(UrineTest, "L2", ItemKind.Service));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void ThreeIdenticalLines_GiveTwoFindings_EachNamingTheFirstLine()
    {
        var request = Orders.Request(Stage.Mid, null, null,
            Orders.Line(BloodCount, "L1", ItemKind.Service), Orders.Line(BloodCount, "L2", ItemKind.Service), Orders.Line(BloodCount, "L3", ItemKind.Service));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal(2, result.Findings.Count);
        Assert.All(result.Findings, f => Assert.Equal("GZ-DUP-001", f.RuleId));
        Assert.Equal(["L1", "L2"], result.Findings[0].LineIds);
        Assert.Equal(["L1", "L3"], result.Findings[1].LineIds);
    }

    [Fact]
    public void DuplicateSeparatedByOtherLines_Fires_NamingBothLines()
    {
        var request = Orders.Request(Stage.Pre, null, null,
            Orders.Line(BloodCount, "L1", ItemKind.Service), Orders.Line(UrineTest, "L2", ItemKind.Service), Orders.Line(BloodCount, "L3", ItemKind.Service));

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(Severity.Remind, finding.Severity);
        Assert.Equal(["L1", "L3"], finding.LineIds);
    }

    [Fact]
    public void LongRequest_GroupedByCode_FindsTheSameDuplicatesAsAShortOne()
    {
        // Above 32 lines the engine groups lines by item code instead of scanning every pair.
        var lines = new List<OrderLine>();
        for (var i = 0; i < 40; i++)
        {
            lines.Add(Orders.Line($"LOCAL{i:D3}", $"L{i}", ItemKind.Service));
        }

        lines[35] = Orders.Line(BloodCount, "B1", ItemKind.Service);
        lines[10] = Orders.Line(BloodCount, "B2", ItemKind.Service);
        lines[20] = Orders.Line(BloodCount, "B3", ItemKind.Service);
        lines[39] = Orders.Line(BloodCount, "B4", ItemKind.Service, serviceDate: Orders.Today.AddDays(1));
        var request = Orders.Request(Stage.Mid, null, null, [.. lines]);

        var result = AuditEngine.Evaluate(ShippedRules.RuleSet, request);

        Assert.Equal([["B2", "B3"], ["B2", "B1"]], result.Findings.Select(f => f.LineIds.ToArray()));
        Assert.All(result.Findings, f => Assert.Equal("GZ-DUP-001", f.RuleId));
    }
}
