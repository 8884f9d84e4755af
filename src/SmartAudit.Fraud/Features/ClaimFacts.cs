using SmartAudit.Core.Audit;

namespace SmartAudit.Fraud.Features;

/// <summary>
/// The claim-level figures that both the features and the provider statistics are made of, computed in
/// one place so that a provider's averages and a claim's own values mean exactly the same thing.
/// </summary>
internal readonly record struct ClaimFacts(
    DateOnly Start,
    long TotalFen,
    double DrugShare,
    int StayDays,
    int CareDays,
    double StayRatio,
    double MaxQuantityRatio,
    int MaxDaysOfSupply,
    double AtypicalShare)
{
    public static ClaimFacts Of(AuditRequest request, ReferenceTables tables)
    {
        var encounter = request.Encounter;
        var inpatient = encounter.Kind == EncounterKind.Inpatient;
        DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
        foreach (var line in request.Lines)
        {
            first = line.ServiceDate < first ? line.ServiceDate : first;
            last = line.ServiceDate > last ? line.ServiceDate : last;
        }

        var start = encounter.AdmissionDate ?? (first == DateOnly.MaxValue ? DateOnly.MinValue : first);
        var stay = 0;
        if (inpatient)
        {
            var end = encounter.DischargeDate ?? (last == DateOnly.MinValue ? start : last);
            stay = Math.Max(1, end.DayNumber - start.DayNumber);
        }

        var careDays = Math.Max(1, stay);
        var principal = encounter.DiagnosisCodes.Count > 0 ? encounter.DiagnosisCodes[0] : string.Empty;
        long total = 0, drugs = 0, atypical = 0;
        var maxQuantityRatio = 0.0;
        var maxDays = 0;
        foreach (var line in request.Lines)
        {
            total += line.AmountFen;
            if (line.ItemKind == ItemKind.Drug)
            {
                drugs += line.AmountFen;
                maxDays = Math.Max(maxDays, line.DaysOfSupply);
            }

            var norm = tables.Item(line.ItemCode)?.QuantityNorm ?? 0;
            var ratio = norm > 0 ? QuantityPerDay(line.Quantity, inpatient, careDays) / norm : 1;
            maxQuantityRatio = Math.Max(maxQuantityRatio, ratio);
            if (tables.IsTypical(principal, line.ItemCode) == false)
            {
                atypical += line.AmountFen;
            }
        }

        var stayNorm = inpatient ? tables.Diagnosis(principal)?.StayNorm ?? 0 : 0;
        return new ClaimFacts(
            start,
            total,
            total > 0 ? drugs / (double)total : 0,
            stay,
            careDays,
            stayNorm > 0 ? stay / stayNorm : 1,
            maxQuantityRatio,
            maxDays,
            total > 0 ? atypical / (double)total : 0);
    }

    /// <summary>Quantities of stays are compared per day of stay, so a long stay is not a large quantity.</summary>
    public static double QuantityPerDay(double quantity, bool inpatient, int careDays) => inpatient ? quantity / careDays : quantity;
}
