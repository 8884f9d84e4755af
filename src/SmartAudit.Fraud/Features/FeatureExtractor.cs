using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;
using SmartAudit.Fraud.Scoring;

namespace SmartAudit.Fraud.Features;

/// <summary>
/// The one feature function, called by training on simulated claims and by the server on live requests,
/// so the two cannot drift: same request, same history, same findings, same tables, same vector.
/// Pure and cheap: a pass over the lines, one over the history, a few frozen-table lookups.
/// </summary>
public static class FeatureExtractor
{
    /// <summary>The feature vector of one request (<see cref="FraudFeatures.Count"/> values in <see cref="FraudFeature"/> order).</summary>
    /// <param name="request">The request as audited.</param>
    /// <param name="history">The patient's history before this request, as the history store returns it.</param>
    /// <param name="findings">The rule findings on this request (silent ones are ignored).</param>
    /// <param name="tables">The reference tables of the model.</param>
    public static float[] Compute(AuditRequest request, PatientHistory history, IReadOnlyList<Finding> findings, ReferenceTables tables)
    {
        var features = new float[FraudFeatures.Count];
        Compute(request, history, findings, tables, features);
        return features;
    }

    /// <summary>Writes the vector into <paramref name="features"/> (at least <see cref="FraudFeatures.Count"/> long).</summary>
    public static void Compute(AuditRequest request, PatientHistory history, IReadOnlyList<Finding> findings, ReferenceTables tables, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(tables);
        var encounter = request.Encounter;
        var claim = ClaimFacts.Of(request, tables);

        Set(features, FraudFeature.TotalAmountYuan, claim.TotalFen / 100.0);
        Set(features, FraudFeature.LineCount, request.Lines.Count);
        Set(features, FraudFeature.DrugShare, claim.DrugShare);
        Set(features, FraudFeature.LengthOfStayDays, claim.StayDays);
        Set(features, FraudFeature.StayRatio, claim.StayRatio);
        Set(features, FraudFeature.AmountPerDayYuan, claim.TotalFen / 100.0 / claim.CareDays);
        Set(features, FraudFeature.ItemsPerDay, request.Lines.Count / (double)claim.CareDays);
        Set(features, FraudFeature.MaxQuantityRatio, claim.MaxQuantityRatio);
        Set(features, FraudFeature.MaxDaysOfSupply, claim.MaxDaysOfSupply);
        Set(features, FraudFeature.AtypicalAmountShare, claim.AtypicalShare);
        Set(features, FraudFeature.IsInpatient, encounter.Kind == EncounterKind.Inpatient ? 1 : 0);
        Set(features, FraudFeature.IsPharmacy, encounter.Kind == EncounterKind.Pharmacy ? 1 : 0);
        Set(features, FraudFeature.HospitalLevel, encounter.HospitalLevel);

        History(request, history, claim.Start, features);

        var provider = tables.Provider(encounter.HospitalId, encounter.Department);
        Set(features, FraudFeature.ProviderDrugShareRatio, provider?.DrugShareRatio ?? 1);
        Set(features, FraudFeature.ProviderAmountRatio, provider?.AmountRatio ?? 1);
        Set(features, FraudFeature.ProviderAtypicalShareRatio, provider?.AtypicalShareRatio ?? 1);
        Set(features, FraudFeature.ProviderClaimsPerPatientRatio, provider?.ClaimsPerPatientRatio ?? 1);
        var doctor = encounter.DoctorId.Length == 0 ? null : tables.Doctor(encounter.DoctorId);
        Set(features, FraudFeature.DoctorClaimsPerPatientRatio, doctor?.ClaimsPerPatientRatio ?? 1);
        Set(features, FraudFeature.DoctorQuantityRatio, doctor?.QuantityRatio ?? 1);

        var (active, flaggedShare) = Findings(request, findings);
        Set(features, FraudFeature.RuleFindings, active);
        Set(features, FraudFeature.RuleFlaggedLineShare, flaggedShare);
    }

    private static void History(AuditRequest request, PatientHistory history, DateOnly start, Span<float> features)
    {
        var encounter = request.Encounter;
        var principal = encounter.DiagnosisCodes.Count > 0 ? encounter.DiagnosisCodes[0] : string.Empty;
        int visits30 = 0, visits90 = 0, sameProvider30 = 0;
        var lastDischarge = (int)FraudFeatures.NoEarlierStay;
        var sameDiagnosisDischarge = (int)FraudFeatures.NoEarlierStay;
        HashSet<string>? hospitals30 = null, hospitals90 = null;
        foreach (var earlier in history.Encounters)
        {
            if (earlier.EncounterId == encounter.Id || earlier.StartDate >= start)
            {
                continue; // this encounter recorded before (a re-sent claim), or not earlier
            }

            var daysBefore = start.DayNumber - earlier.StartDate.DayNumber;
            if (daysBefore <= 90)
            {
                visits90++;
                (hospitals90 ??= new HashSet<string>(StringComparer.Ordinal)).Add(earlier.HospitalId);
                if (daysBefore <= 30)
                {
                    visits30++;
                    (hospitals30 ??= new HashSet<string>(StringComparer.Ordinal)).Add(earlier.HospitalId);
                    if (earlier.HospitalId == encounter.HospitalId && earlier.Department == encounter.Department)
                    {
                        sameProvider30++;
                    }
                }
            }

            if (earlier.Kind == EncounterKind.Inpatient && earlier.EndDate is { } end && end <= start)
            {
                var since = start.DayNumber - end.DayNumber;
                lastDischarge = Math.Min(lastDischarge, since);
                if (earlier.DiagnosisCodes.Count > 0 && earlier.DiagnosisCodes[0] == principal)
                {
                    sameDiagnosisDischarge = Math.Min(sameDiagnosisDischarge, since);
                }
            }
        }

        Set(features, FraudFeature.Visits30Days, visits30);
        Set(features, FraudFeature.Visits90Days, visits90);
        Set(features, FraudFeature.Hospitals30Days, hospitals30?.Count ?? 0);
        Set(features, FraudFeature.Hospitals90Days, hospitals90?.Count ?? 0);
        Set(features, FraudFeature.SameProviderVisits30Days, sameProvider30);
        Set(features, FraudFeature.DaysSinceLastDischarge, lastDischarge);
        Set(features, FraudFeature.DaysSinceSameDiagnosisDischarge, sameDiagnosisDischarge);
    }

    private static (int Active, double FlaggedLineShare) Findings(AuditRequest request, IReadOnlyList<Finding> findings)
    {
        var active = 0;
        HashSet<string>? flagged = null;
        foreach (var finding in findings)
        {
            if (finding.Silent || finding.RuleId == FraudFinding.RuleId)
            {
                continue;
            }

            active++;
            foreach (var line in finding.LineIds)
            {
                (flagged ??= new HashSet<string>(StringComparer.Ordinal)).Add(line);
            }
        }

        return (active, request.Lines.Count == 0 ? 0 : (flagged?.Count ?? 0) / (double)request.Lines.Count);
    }

    private static void Set(Span<float> features, FraudFeature feature, double value) => features[(int)feature] = (float)value;
}
