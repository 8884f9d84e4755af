using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Fraud.Simulation;

/// <summary>Where a disease is treated.</summary>
internal enum CareSetting
{
    /// <summary>One outpatient visit for an acute episode.</summary>
    Acute,
    /// <summary>A chronic condition: refills every few weeks, at a clinic or a pharmacy.</summary>
    Chronic,
    /// <summary>A hospital stay.</summary>
    Inpatient,
}

/// <summary>
/// One item a treatment uses: how likely it is ordered, how much (billing units), and for drugs the daily
/// dose as a share of the catalogue's maximum and the days of supply. Quantities of per-day items (bed-days,
/// infusions) scale with the stay.
/// </summary>
internal sealed record TreatmentItem(
    string ItemCode,
    double Probability,
    int MinQuantity,
    int MaxQuantity,
    double DoseShare = 0,
    int MinDays = 0,
    int MaxDays = 0,
    bool PerDay = false,
    bool AdultsOnly = false,
    bool ChildrenOnly = false);

/// <summary>A disease with its typical diagnosis, department, setting and treatment.</summary>
internal sealed record Disease(
    string Code,
    string Department,
    CareSetting Setting,
    TreatmentItem[] Items,
    int MinAge = 0,
    int MaxAge = 120,
    Sex? SexOnly = null,
    int MinLevel = 1,
    int MinStay = 0,
    int MaxStay = 0);

/// <summary>
/// The simulator's clinical knowledge: diseases, treatments and list prices over the knowledge base's item
/// catalogue. Every item code here must be in the catalogue the simulator is given (names, kinds, dose
/// limits, price caps and restrictions come from there); <see cref="Check"/> says which are not.
/// </summary>
internal static class ClinicalCatalogue
{
    public const string Consultation = "110200001000000";
    public const string BloodCount = "250101001000000";
    public const string CtScan = "210102015000000";
    public const string BedDay = "120100001000000";
    public const string Infusion = "121300001000000";
    public const string Urinalysis = "250301001000000";
    public const string InfusionSet = "C14010212100000001234";
    public const string Mask = "C03050101200000005678";
    public const string Saline = "XB05BBN001A001";
    public const string Amoxicillin = "XJ01CAA040A001";
    public const string Levofloxacin = "XJ01MAL101A001";
    public const string Moxifloxacin = "XJ01MAM055A001";
    public const string Paracetamol = "XN02BEA020A001";
    public const string PaediatricGranules = "XR05CBA077A001";
    public const string Oseltamivir = "XJ05AHA030A002";
    public const string Amlodipine = "XC08CAA001A001";
    public const string Metformin = "XA10BAE063A001";
    public const string Atorvastatin = "XC10AAA200A001";
    public const string Omeprazole = "XA02BCA075A001";
    public const string Estazolam = "XN05CDE017A001";
    public const string Tamsulosin = "XG04CAT046A001";
    public const string Finasteride = "XG04CBF036A001";
    public const string ProstateMassage = "311000009000000";
    public const string Progesterone = "XG03DAH045A001";
    public const string Colposcopy = "310600002000000";
    public const string Rituximab = "XL01XCR141A001";
    public const string Voriconazole = "XJ02ACV050A001";
    public const string Anaesthesia = "330100005000000";

    /// <summary>List unit prices in fen for items the price table does not cap.</summary>
    public static readonly IReadOnlyDictionary<string, long> ListPriceFen = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        [Urinalysis] = 1000,
        [Mask] = 50,
        [Saline] = 350,
        [Amoxicillin] = 1200,
        [Levofloxacin] = 2800,
        [Moxifloxacin] = 5600,
        [Paracetamol] = 800,
        [PaediatricGranules] = 1500,
        [Oseltamivir] = 6800,
        [Amlodipine] = 2400,
        [Metformin] = 1500,
        [Atorvastatin] = 3600,
        [Omeprazole] = 2000,
        [Estazolam] = 900,
        [Tamsulosin] = 4500,
        [Finasteride] = 5200,
        [ProstateMassage] = 3000,
        [Progesterone] = 1800,
        [Colposcopy] = 12000,
        [Rituximab] = 180_000,
        [Voriconazole] = 90_000,
        [Anaesthesia] = 150_000,
    };

    /// <summary>
    /// 串换: the dearer item a substituting provider bills in place of the one it dispensed. Same kind, a
    /// plausible neighbour, several times the price.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DearerSubstitute = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Amoxicillin] = Moxifloxacin,
        [Paracetamol] = Oseltamivir,
        [Metformin] = Atorvastatin,
        [Amlodipine] = Tamsulosin,
        [Omeprazole] = Finasteride,
        [Saline] = Voriconazole,
        [Urinalysis] = CtScan,
        [BloodCount] = CtScan,
        [Mask] = InfusionSet,
    };

    /// <summary>Services a phantom-billing provider adds: plausible on any visit, never given.</summary>
    public static readonly string[] PhantomServices = [CtScan, Infusion, BloodCount, Urinalysis, Colposcopy];

    /// <summary>Drugs a collusion ring fills again and again to sell back: chronic drugs at the longest supply.</summary>
    public static readonly string[] RingDrugs = [Amlodipine, Metformin, Atorvastatin, Omeprazole, Tamsulosin];

    public static readonly Disease[] Diseases =
    [
        new("J06.9", "GEN", CareSetting.Acute,
        [
            new(Consultation, 1.0, 1, 1),
            new(Paracetamol, 0.6, 1, 2, 0.5, 3, 5, AdultsOnly: true),
            new(PaediatricGranules, 0.8, 1, 2, 0, 3, 5, ChildrenOnly: true),
            new(Amoxicillin, 0.3, 1, 2, 0.5, 3, 7),
            new(BloodCount, 0.3, 1, 1),
        ]),
        new("J10.1", "PED", CareSetting.Acute,
        [
            new(Consultation, 1.0, 1, 1),
            new(Oseltamivir, 0.8, 1, 1, 0, 5, 5),
            new(BloodCount, 0.4, 1, 1),
            new(Mask, 0.3, 1, 5),
        ], MaxAge: 12),
        new("K29.7", "GI", CareSetting.Acute,
        [
            new(Consultation, 1.0, 1, 1),
            new(Omeprazole, 0.9, 1, 2, 0.5, 7, 14),
            new(BloodCount, 0.2, 1, 1),
        ], MinAge: 16),
        new("G47.0", "NEURO", CareSetting.Acute,
        [
            new(Consultation, 1.0, 1, 1),
            new(Estazolam, 0.9, 1, 1, 0.5, 7, 7),
        ], MinAge: 18),
        new("N76.0", "GYN", CareSetting.Acute,
        [
            new(Consultation, 1.0, 1, 1),
            new(Colposcopy, 0.4, 1, 1),
            new(Urinalysis, 0.5, 1, 1),
        ], MinAge: 18, SexOnly: Sex.Female, MinLevel: 2),
        new("O26.9", "GYN", CareSetting.Acute,
        [
            new(Consultation, 1.0, 1, 1),
            new(Progesterone, 0.8, 3, 10),
            new(BloodCount, 0.5, 1, 1),
            new(Urinalysis, 0.5, 1, 1),
        ], MinAge: 20, MaxAge: 45, SexOnly: Sex.Female, MinLevel: 2),
        new("I10", "CARD", CareSetting.Chronic,
        [
            new(Consultation, 0.7, 1, 1),
            new(Amlodipine, 1.0, 1, 3, 0.5, 28, 30),
            new(Urinalysis, 0.15, 1, 1),
        ], MinAge: 35),
        new("E11.9", "ENDO", CareSetting.Chronic,
        [
            new(Consultation, 0.7, 1, 1),
            new(Metformin, 1.0, 1, 3, 0.6, 28, 30),
            new(BloodCount, 0.2, 1, 1),
            new(Urinalysis, 0.2, 1, 1),
        ], MinAge: 30),
        new("E78.5", "CARD", CareSetting.Chronic,
        [
            new(Consultation, 0.6, 1, 1),
            new(Atorvastatin, 1.0, 1, 2, 0.25, 28, 30),
        ], MinAge: 40),
        new("N40", "URO", CareSetting.Chronic,
        [
            new(Consultation, 0.7, 1, 1),
            new(Tamsulosin, 1.0, 1, 2, 0, 28, 30),
            new(Finasteride, 0.5, 1, 2, 0, 28, 30),
            new(ProstateMassage, 0.1, 1, 1),
        ], MinAge: 50, SexOnly: Sex.Male),
        new("J18.9", "RESP", CareSetting.Inpatient,
        [
            new(BedDay, 1.0, 1, 1, PerDay: true),
            new(Levofloxacin, 0.5, 1, 2, 0.6, 5, 7, AdultsOnly: true),
            new(Amoxicillin, 0.6, 1, 3, 0.6, 5, 7),
            new(Infusion, 0.9, 1, 1, PerDay: true),
            new(Saline, 0.9, 1, 2, PerDay: true),
            new(InfusionSet, 0.9, 1, 1, PerDay: true),
            new(BloodCount, 1.0, 1, 3),
            new(CtScan, 0.6, 1, 1),
        ], MinLevel: 2, MinStay: 5, MaxStay: 10),
        new("K35.8", "SURG", CareSetting.Inpatient,
        [
            new(BedDay, 1.0, 1, 1, PerDay: true),
            new(Anaesthesia, 1.0, 1, 1),
            new(Amoxicillin, 0.6, 1, 2, 0.6, 3, 5),
            new(Infusion, 0.9, 1, 1, PerDay: true),
            new(Saline, 0.9, 1, 2, PerDay: true),
            new(InfusionSet, 0.9, 1, 1, PerDay: true),
            new(BloodCount, 1.0, 1, 2),
            new(CtScan, 0.5, 1, 1),
        ], MinAge: 6, MinLevel: 2, MinStay: 4, MaxStay: 7),
        new("B44.1", "RESP", CareSetting.Inpatient,
        [
            new(BedDay, 1.0, 1, 1, PerDay: true),
            new(Voriconazole, 1.0, 1, 2, PerDay: true),
            new(Infusion, 1.0, 1, 1, PerDay: true),
            new(Saline, 1.0, 1, 2, PerDay: true),
            new(CtScan, 1.0, 1, 2),
            new(BloodCount, 1.0, 2, 4),
        ], MinAge: 18, MinLevel: 2, MinStay: 10, MaxStay: 20),
        new("C83.3", "ONC", CareSetting.Inpatient,
        [
            new(BedDay, 1.0, 1, 1, PerDay: true),
            new(Rituximab, 1.0, 1, 2),
            new(Infusion, 1.0, 1, 1, PerDay: true),
            new(Saline, 1.0, 1, 2, PerDay: true),
            new(BloodCount, 1.0, 1, 3),
            new(CtScan, 0.4, 1, 1),
        ], MinAge: 18, MinLevel: 3, MinStay: 2, MaxStay: 5),
    ];

    /// <summary>Departments a hospital of each level has (level 1 treats what it can in GEN).</summary>
    public static string[] DepartmentsAt(int level) => level switch
    {
        1 => ["GEN", "PED"],
        2 => ["GEN", "PED", "GI", "NEURO", "GYN", "CARD", "ENDO", "URO", "RESP", "SURG"],
        _ => ["GEN", "PED", "GI", "NEURO", "GYN", "CARD", "ENDO", "URO", "RESP", "SURG", "ONC"],
    };

    public static Disease Find(string code) => Array.Find(Diseases, d => d.Code == code)
        ?? throw new ArgumentException($"no disease {code}", nameof(code));

    /// <summary>Item codes the simulator uses that <paramref name="knowledge"/> does not hold.</summary>
    public static IReadOnlyList<string> Check(KnowledgeBase knowledge)
    {
        var codes = Diseases.SelectMany(d => d.Items.Select(i => i.ItemCode))
            .Concat(ListPriceFen.Keys).Concat(DearerSubstitute.Keys).Concat(DearerSubstitute.Values)
            .Concat(PhantomServices).Concat(RingDrugs).Append(Consultation);
        return [.. codes.Distinct(StringComparer.Ordinal).Where(c => !knowledge.Lookup(c).IsKnown).Order(StringComparer.Ordinal)];
    }
}
