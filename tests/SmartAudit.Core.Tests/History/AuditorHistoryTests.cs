using System.Diagnostics;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests.History;

/// <summary>The auditor's use of the patient history: read before, record after, degrade when the store fails.</summary>
public class AuditorHistoryTests
{
    private static readonly Patient Patient = Orders.Patient();

    [Fact]
    public async Task SettledVisit_ThenAnotherHospitalPrescribesTheSameIngredient_IsADuplicate()
    {
        var auditor = NewAuditor(new InMemoryPatientHistoryStore(new HistoryOptions()), out _);
        await auditor.AuditAsync(Visit("E1", Stage.Mid, "H1", Orders.Today.AddDays(-10), Amlodipine("XC08CAA001A001", Orders.Today.AddDays(-10))),
            [], Stopwatch.GetTimestamp(), CancellationToken.None);

        var decision = await auditor.AuditAsync(Visit("E2", Stage.Pre, "H2", Orders.Today, Amlodipine("XC08CAA001A002", Orders.Today)),
            [], Stopwatch.GetTimestamp(), CancellationToken.None);

        var finding = Assert.Single(decision.Findings, f => f.RuleId == "GZ-RPT-002");
        Assert.Contains("H1", finding.Message, StringComparison.Ordinal);
        Assert.False(decision.Degraded);
    }

    [Fact]
    public async Task PreOrder_IsNotRecorded_SoItCannotDuplicateItself()
    {
        var store = new InMemoryPatientHistoryStore(new HistoryOptions());
        var auditor = NewAuditor(store, out _);

        await auditor.AuditAsync(Visit("E1", Stage.Pre, "H1", Orders.Today, Amlodipine("XC08CAA001A001", Orders.Today)), [], Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.True((await store.GetAsync(Patient.Id, CancellationToken.None)).IsEmpty);
    }

    [Fact]
    public async Task HistoryStoreDown_HistoryRulesAreSkippedWithTheReason_OtherRulesStillRun()
    {
        var auditor = NewAuditor(new UnavailableStore(), out var log);
        // Levofloxacin for a 15-year-old fires an age rule; the amlodipine line would need the history.
        var request = Visit("E2", Stage.Mid, "H2", Orders.Today, Amlodipine("XC08CAA001A002", Orders.Today)) with
        {
            Patient = Orders.Patient(ageYears: 15),
        };
        request = request with { Lines = [.. request.Lines, Orders.Line("XJ01MAL101A001", "2")] };

        var decision = await auditor.AuditAsync(request, [], Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.Contains(decision.Findings, f => f.RuleId == "GZ-AGE-001");
        Assert.True(decision.Degraded);
        Assert.Contains(decision.DegradedReasons, r => r.Contains("GZ-RPT-002 skipped: patient history unavailable (store timed out)", StringComparison.Ordinal));
        Assert.Contains(decision.DegradedReasons, r => r.StartsWith("patient history not updated", StringComparison.Ordinal));
        Assert.Same(decision, Assert.Single(log.Decisions));
    }

    [Fact]
    public async Task NoRuleNeedsHistory_TheStoreIsNotRead()
    {
        var store = new UnavailableStore();
        var ruleSet = TestRuleSet.CompileAlone(new TestRule("T-AGE-001", "line.Item.MinAgeYears != null && line.AgeYears < line.Item.MinAgeYears") { Table = "age" });
        var auditor = new Auditor(new ActiveRuleSet(ruleSet), new ListDecisionLog(), store, TimeProvider.System);

        var decision = await auditor.AuditAsync(Orders.Request(Stage.Pre, Patient, Orders.Encounter(EncounterKind.Inpatient), Orders.Line("XJ01MAL101A001")),
            [], Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.Equal(0, store.Reads);
        Assert.False(decision.Degraded);
    }

    private static Auditor NewAuditor(IPatientHistoryStore store, out ListDecisionLog log)
    {
        log = new ListDecisionLog();
        return new Auditor(new ActiveRuleSet(ShippedRules.RuleSet), log, store, TimeProvider.System);
    }

    private static OrderLine Amlodipine(string code, DateOnly date) => Orders.Line(code, dailyDose: 5, daysOfSupply: 30, serviceDate: date);

    private static AuditRequest Visit(string encounterId, Stage stage, string hospital, DateOnly date, params OrderLine[] lines) =>
        Orders.Request(stage, Patient, Orders.Encounter() with { Id = encounterId, HospitalId = hospital, DiagnosisCodes = ["I10"] }, lines) with
        {
            RequestId = encounterId + "-" + stage,
        };

    private sealed class UnavailableStore : IPatientHistoryStore
    {
        public int Reads { get; private set; }

        public ValueTask<PatientHistory> GetAsync(string patientId, CancellationToken cancellationToken)
        {
            Reads++;
            throw new HistoryUnavailableException("store timed out");
        }

        public ValueTask RecordAsync(HistoryEntry entry, CancellationToken cancellationToken) =>
            throw new HistoryUnavailableException("store timed out");
    }

    private sealed class ListDecisionLog : IDecisionLog
    {
        public List<Decision> Decisions { get; } = [];

        public void Append(Decision decision) => Decisions.Add(decision);

        public void Append(Feedback feedback)
        {
        }
    }
}
