namespace SmartAudit.Fraud.Features;

/// <summary>
/// The model's features, in vector order. Every one exists at audit time: the claim itself, the patient's
/// history from the history store, the provider and doctor against their peers (reference tables shipped
/// in the model), and the rule findings of the same request. Changing this list is a new model. Nothing
/// about who the patient is (age, sex, insurance) is a feature: a score must not rise for who someone is.
/// </summary>
public enum FraudFeature
{
    // The claim.
    TotalAmountYuan,
    LineCount,
    DrugShare,
    LengthOfStayDays,
    StayRatio,
    AmountPerDayYuan,
    ItemsPerDay,
    MaxQuantityRatio,
    MaxDaysOfSupply,
    AtypicalAmountShare,
    IsInpatient,
    IsPharmacy,
    HospitalLevel,

    // The patient's history.
    Visits30Days,
    Visits90Days,
    Hospitals30Days,
    Hospitals90Days,
    SameProviderVisits30Days,
    DaysSinceLastDischarge,
    DaysSinceSameDiagnosisDischarge,

    // The provider and the doctor against their peers.
    ProviderDrugShareRatio,
    ProviderAmountRatio,
    ProviderAtypicalShareRatio,
    ProviderClaimsPerPatientRatio,
    DoctorClaimsPerPatientRatio,
    DoctorQuantityRatio,

    // The rules, on the same request.
    RuleFindings,
    RuleFlaggedLineShare,
}

/// <summary>Names, descriptions and reviewer wording of <see cref="FraudFeature"/>.</summary>
public static class FraudFeatures
{
    /// <summary>Number of features: the length of the feature vector (a test keeps it equal to the enum's size).</summary>
    public const int Count = 28;

    /// <summary>Every feature, in vector order.</summary>
    public static IReadOnlyList<FraudFeature> All { get; } = Enum.GetValues<FraudFeature>();

    /// <summary>"No such event in the history": the value of the days-since features then.</summary>
    public const float NoEarlierStay = 365;

    public static string Name(FraudFeature feature) => feature.ToString();

    /// <summary>What the feature measures, for the model card.</summary>
    public static string Describe(FraudFeature feature) => feature switch
    {
        FraudFeature.TotalAmountYuan => "claim total in yuan",
        FraudFeature.LineCount => "number of lines",
        FraudFeature.DrugShare => "drug amount / total amount",
        FraudFeature.LengthOfStayDays => "length of stay in days (0 outside a stay)",
        FraudFeature.StayRatio => "length of stay / median stay for the principal diagnosis (1 outside a stay)",
        FraudFeature.AmountPerDayYuan => "total / days of care",
        FraudFeature.ItemsPerDay => "lines / days of care",
        FraudFeature.MaxQuantityRatio => "largest line quantity / the item's median quantity",
        FraudFeature.MaxDaysOfSupply => "longest days of supply on a drug line",
        FraudFeature.AtypicalAmountShare => "share of the amount on items seldom billed with the principal diagnosis",
        FraudFeature.IsInpatient => "1 for a stay",
        FraudFeature.IsPharmacy => "1 for a pharmacy",
        FraudFeature.HospitalLevel => "hospital level 1-3",
        FraudFeature.Visits30Days => "patient's encounters in the 30 days before this one (history store)",
        FraudFeature.Visits90Days => "patient's encounters in the 90 days before this one",
        FraudFeature.Hospitals30Days => "distinct hospitals the patient went to in the 30 days before",
        FraudFeature.Hospitals90Days => "distinct hospitals in the 90 days before",
        FraudFeature.SameProviderVisits30Days => "encounters at this same hospital and department in the 30 days before",
        FraudFeature.DaysSinceLastDischarge => "days since the last discharge (365 when none)",
        FraudFeature.DaysSinceSameDiagnosisDischarge => "days since the last discharge with the same principal diagnosis (365 when none)",
        FraudFeature.ProviderDrugShareRatio => "this hospital department's drug share / its peers' (same level and department)",
        FraudFeature.ProviderAmountRatio => "its average claim amount / its peers'",
        FraudFeature.ProviderAtypicalShareRatio => "its share of amounts on atypical items / its peers'",
        FraudFeature.ProviderClaimsPerPatientRatio => "its claims per distinct patient / its peers'",
        FraudFeature.DoctorClaimsPerPatientRatio => "the doctor's claims per distinct patient / peers' (same level and department)",
        FraudFeature.DoctorQuantityRatio => "the doctor's average largest-quantity ratio / peers'",
        FraudFeature.RuleFindings => "active rule findings on this request",
        FraudFeature.RuleFlaggedLineShare => "share of lines with a rule finding",
        _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, null),
    };
}
