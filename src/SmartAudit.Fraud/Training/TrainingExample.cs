using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Fraud.Features;
using SmartAudit.Fraud.Simulation;

namespace SmartAudit.Fraud.Training;

/// <summary>
/// One claim as the server would have seen it when it was settled: the request, the patient's history at
/// that moment, and the findings of the rules on it; with the simulator's pattern (truth) and label.
/// </summary>
public sealed record TrainingExample(
    AuditRequest Request,
    PatientHistory History,
    IReadOnlyList<Finding> Findings,
    FraudPattern Pattern,
    bool Label,
    DateOnly SettledOn)
{
    public float[] Features(ReferenceTables tables) => FeatureExtractor.Compute(Request, History, Findings, tables);

    /// <summary>The rules-only score: how many active rule findings the claim has.</summary>
    public int ActiveRuleFindings => Findings.Count(f => !f.Silent);

    /// <summary>
    /// Replays the claims in settlement order the way the server meets them: read the patient's history,
    /// run the rules, then record the claim in the history for later claims.
    /// </summary>
    public static List<TrainingExample> Replay(IReadOnlyList<SimulatedClaim> claims, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(rules);
        var history = new HistoryReplay();
        var examples = new List<TrainingExample>(claims.Count);
        foreach (var claim in claims)
        {
            var request = claim.Request;
            var before = history.Get(request.Patient.Id);
            var findings = AuditEngine.Evaluate(rules, request).Findings;
            examples.Add(new TrainingExample(request, before, findings, claim.Pattern, claim.Label, claim.SettledOn));
            history.Record(request);
        }

        return examples;
    }

    /// <summary>Per-patient encounters, newest first, as the history store keeps them.</summary>
    private sealed class HistoryReplay
    {
        private readonly Dictionary<string, PatientHistory> _patients = new(StringComparer.Ordinal);

        public PatientHistory Get(string patientId) => _patients.GetValueOrDefault(patientId) ?? PatientHistory.Empty;

        public void Record(AuditRequest request)
        {
            var encounter = request.Encounter;
            var start = encounter.AdmissionDate ?? request.Lines.Min(l => l.ServiceDate);
            var entry = new HistoryEncounter(encounter.Id, encounter.Kind, encounter.HospitalId, encounter.Department, start,
                encounter.DischargeDate, encounter.DiagnosisCodes);
            var before = Get(request.Patient.Id);
            var encounters = new List<HistoryEncounter>(before.Encounters.Count + 1) { entry };
            encounters.AddRange(before.Encounters.Where(e => e.EncounterId != encounter.Id));
            _patients[request.Patient.Id] = new PatientHistory([.. encounters.OrderByDescending(e => e.EndDate ?? e.StartDate)], []);
        }
    }
}
