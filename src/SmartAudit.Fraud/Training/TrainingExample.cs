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
    /// Replays the claims in settlement order the way the server meets them (see <c>Auditor.AuditAsync</c>):
    /// read the patient's history from the store, run the rules with it, record the claim in the store for
    /// later claims. The store is the server's own in-memory one with its default bounds.
    /// </summary>
    public static async Task<List<TrainingExample>> ReplayAsync(IReadOnlyList<SimulatedClaim> claims, RuleSet rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(rules);
        var store = new InMemoryPatientHistoryStore(new HistoryOptions(), maxPatients: int.MaxValue);
        var examples = new List<TrainingExample>(claims.Count);
        foreach (var claim in claims)
        {
            var request = claim.Request;
            var history = await store.GetAsync(request.Patient.Id, cancellationToken).ConfigureAwait(false);
            var findings = AuditEngine.Evaluate(rules, request, history, null).Findings;
            examples.Add(new TrainingExample(request, history, findings, claim.Pattern, claim.Label, claim.SettledOn));
            await store.RecordAsync(HistoryEntry.From(request, rules.Knowledge), cancellationToken).ConfigureAwait(false);
        }

        return examples;
    }
}
