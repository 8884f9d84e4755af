using System.Diagnostics;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>
/// A finding tells the calling hospital only what it may know: another hospital's records are "another institution",
/// with no date; the decision log keeps the whole text.
/// </summary>
public class DisclosureTests
{
    private static readonly Patient Patient = Orders.Patient();

    [Fact]
    public void EveryShippedTemplate_ForACrossHospitalFact_PrintsNoHospitalIdAndNoDetailOfThatRecord()
    {
        var checkedHoles = 0;
        foreach (var rule in ShippedRules.RuleSet.CompiledRules)
        {
            var sources = rule.Messages.Sources;
            var values = Enumerable.Range(0, sources.Count).Select(i => (object?)$"«{i}»").ToArray();

            var (zh, en) = rule.Messages.RenderAllForeign(values);

            for (var i = 0; i < sources.Count; i++)
            {
                if (sources[i].Record < 0)
                {
                    continue;
                }

                checkedHoles++;
                Assert.DoesNotContain($"«{i}»", zh, StringComparison.Ordinal);
                Assert.DoesNotContain($"«{i}»", en, StringComparison.Ordinal);
                if (sources[i].IsHospital)
                {
                    Assert.Contains("其他机构", zh, StringComparison.Ordinal);
                    Assert.Contains("another institution", en, StringComparison.Ordinal);
                }
            }
        }

        // duplicate prescribing (hospital, date), split stays (hospital, date), contraindication (date): 5 distinct holes, not vacuous
        Assert.True(checkedHoles >= 5, $"only {checkedHoles} holes read earlier records");
    }

    [Theory]
    [InlineData("{ctx.History.SupplyCovering(line.Item.Ingredient, line.ServiceDate).ServiceDate}")]
    [InlineData("dispensed {ctx.History.ContraindicatedSupply(line).ServiceDate}")]
    [InlineData("discharged {ctx.History.LastDischargeSameGroup.EndDate}")]
    public void AnAuditorsTemplate_WithAnEarlierRecordsDateOutsideASection_IsRefusedSayingWhy(string template)
    {
        var rule = new TestRule("T-DISC-001", "true") { MessageEn = template, MessageZh = template };

        var compilation = RuleSetCompiler.Compile(ShippedRules.With(TestRuleSet.WorkflowPath, TestRuleSet.Workflow(rule)));

        Assert.False(compilation.Succeeded);
        Assert.Contains(compilation.Problems, p => p.ToString().Contains("T-DISC-001", StringComparison.Ordinal) && p.ToString().Contains("[ … ] section", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DuplicateAcrossHospitals_CallerReadsAnotherInstitutionAndNoDate_TheLogKeepsBoth()
    {
        var log = new List<Decision>();
        var auditor = new Auditor(new ActiveRuleSet(ShippedRules.RuleSet), new ListLog(log), new InMemoryPatientHistoryStore(new HistoryOptions()), TimeProvider.System);
        var earlier = Orders.Today.AddDays(-10);
        await auditor.AuditAsync(Visit("E1", Stage.Mid, "H-A", earlier, Amlodipine("XC08CAA001A001", earlier)), [], Stopwatch.GetTimestamp(), CancellationToken.None);

        var decision = await auditor.AuditAsync(Visit("E2", Stage.Pre, "H-B", Orders.Today, Amlodipine("XC08CAA001A002", Orders.Today)),
            [], Stopwatch.GetTimestamp(), CancellationToken.None);

        var finding = Assert.Single(decision.Findings, f => f.RuleId == "GZ-RPT-002");
        var date = earlier.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("H-A", finding.Message, StringComparison.Ordinal);
        Assert.Contains(date, finding.MessageEn, StringComparison.Ordinal);
        foreach (var callerText in new[] { finding.MessageForCaller, finding.MessageEnForCaller })
        {
            Assert.DoesNotContain("H-A", callerText, StringComparison.Ordinal);
            Assert.DoesNotContain(date, callerText, StringComparison.Ordinal);
        }

        Assert.EndsWith("：患者在其他机构取得的同成分药品尚余19天用量", finding.MessageForCaller, StringComparison.Ordinal);
        Assert.EndsWith("days of the same ingredient from another institution", finding.MessageEnForCaller, StringComparison.Ordinal);
        Assert.Same(finding, Assert.Single(log[^1].Findings, f => f.RuleId == "GZ-RPT-002"));
    }

    [Fact]
    public async Task DuplicateWithinTheSameHospital_TheHospitalReadsItsOwnRecordInFull()
    {
        var auditor = new Auditor(new ActiveRuleSet(ShippedRules.RuleSet), new ListLog([]), new InMemoryPatientHistoryStore(new HistoryOptions()), TimeProvider.System);
        var earlier = Orders.Today.AddDays(-10);
        await auditor.AuditAsync(Visit("E1", Stage.Mid, "H-A", earlier, Amlodipine("XC08CAA001A001", earlier)), [], Stopwatch.GetTimestamp(), CancellationToken.None);

        var decision = await auditor.AuditAsync(Visit("E2", Stage.Pre, "H-A", Orders.Today, Amlodipine("XC08CAA001A002", Orders.Today)),
            [], Stopwatch.GetTimestamp(), CancellationToken.None);

        var finding = Assert.Single(decision.Findings, f => f.RuleId == "GZ-RPT-002");
        Assert.Null(finding.CallerMessage);
        Assert.Contains("H-A", finding.MessageEnForCaller, StringComparison.Ordinal);
    }

    private static OrderLine Amlodipine(string code, DateOnly date) => Orders.Line(code, dailyDose: 5, daysOfSupply: 30, serviceDate: date);

    private static AuditRequest Visit(string encounterId, Stage stage, string hospital, DateOnly date, params OrderLine[] lines) =>
        Orders.Request(stage, Patient, Orders.Encounter() with { Id = encounterId, HospitalId = hospital, DiagnosisCodes = ["I10"] }, lines) with
        {
            RequestId = encounterId + "-" + stage,
        };

    private sealed class ListLog(List<Decision> decisions) : IDecisionLog
    {
        public void Append(Decision decision) => decisions.Add(decision);

        public void Append(Feedback feedback)
        {
        }
    }
}
