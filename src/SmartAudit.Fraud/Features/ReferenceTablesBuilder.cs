using SmartAudit.Core.Audit;

namespace SmartAudit.Fraud.Features;

/// <summary>
/// Builds the <see cref="ReferenceTables"/> from the claims of a period: what an item's usual quantity is,
/// what goes with a diagnosis, and how each hospital department and each doctor compares with its peers.
/// Peers are the providers of the same level and department; their figure is the median of the members,
/// so one outlier does not move it, and a provider's own figure is shrunk towards its peers' by
/// <see cref="ShrinkClaims"/> pseudo-claims, so a handful of claims cannot make an outlier either.
/// </summary>
public static class ReferenceTablesBuilder
{
    /// <summary>An item is typical of a diagnosis when it is on at least this share of its claims.</summary>
    public const double TypicalShare = 0.03;

    /// <summary>Pseudo-claims of peer behaviour added to every provider's own.</summary>
    public const int ShrinkClaims = 30;

    /// <summary>Largest quantity ratio a single claim contributes to a doctor's average.</summary>
    private const double QuantityRatioCap = 10;

    public static ReferenceTables Build(IReadOnlyList<AuditRequest> requests, string period)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var norms = new ReferenceTables(ReferenceTables.SchemaV1, period, ItemNorms(requests), DiagnosisNorms(requests),
            new Dictionary<string, ProviderProfile>(), new Dictionary<string, ProviderProfile>());

        var providers = new SortedDictionary<string, Totals>(StringComparer.Ordinal);
        var doctors = new SortedDictionary<string, Totals>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var facts = ClaimFacts.Of(request, norms);
            var encounter = request.Encounter;
            var group = PeerGroup(encounter.HospitalLevel, encounter.Department);
            Entry(providers, ReferenceTables.ProviderKey(encounter.HospitalId, encounter.Department), group).Add(request, facts);
            if (encounter.DoctorId.Length > 0)
            {
                Entry(doctors, encounter.DoctorId, group).Add(request, facts);
            }
        }

        return new ReferenceTables(ReferenceTables.SchemaV1, period, norms.Items, norms.Diagnoses, Profiles(providers), Profiles(doctors));
    }

    private static string PeerGroup(int level, string department) => $"{level}|{department}";

    private static Totals Entry(SortedDictionary<string, Totals> totals, string key, string group)
    {
        if (!totals.TryGetValue(key, out var entry))
        {
            totals[key] = entry = new Totals(group);
        }

        return entry;
    }

    private static Dictionary<string, ItemNorm> ItemNorms(IReadOnlyList<AuditRequest> requests)
    {
        var quantities = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var inpatient = request.Encounter.Kind == EncounterKind.Inpatient;
            var careDays = inpatient ? Math.Max(1, StayDays(request)) : 1;
            foreach (var line in request.Lines)
            {
                if (!quantities.TryGetValue(line.ItemCode, out var list))
                {
                    quantities[line.ItemCode] = list = [];
                }

                list.Add(ClaimFacts.QuantityPerDay(line.Quantity, inpatient, careDays));
            }
        }

        return quantities.ToDictionary(q => q.Key, q => new ItemNorm(Median(q.Value)), StringComparer.Ordinal);
    }

    private static Dictionary<string, DiagnosisNorm> DiagnosisNorms(IReadOnlyList<AuditRequest> requests)
    {
        var claims = new SortedDictionary<string, (int Claims, SortedDictionary<string, int> Items, List<double> Stays)>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            if (request.Encounter.DiagnosisCodes.Count == 0)
            {
                continue;
            }

            var principal = request.Encounter.DiagnosisCodes[0];
            if (!claims.TryGetValue(principal, out var entry))
            {
                entry = (0, new SortedDictionary<string, int>(StringComparer.Ordinal), []);
            }

            entry.Claims++;
            foreach (var code in request.Lines.Select(l => l.ItemCode).Distinct(StringComparer.Ordinal))
            {
                entry.Items[code] = entry.Items.GetValueOrDefault(code) + 1;
            }

            if (request.Encounter.Kind == EncounterKind.Inpatient)
            {
                entry.Stays.Add(StayDays(request));
            }

            claims[principal] = entry;
        }

        return claims.ToDictionary(
            d => d.Key,
            d => new DiagnosisNorm([.. d.Value.Items.Where(i => i.Value >= TypicalShare * d.Value.Claims).Select(i => i.Key)],
                d.Value.Stays.Count > 0 ? Median(d.Value.Stays) : 0),
            StringComparer.Ordinal);
    }

    private static int StayDays(AuditRequest request)
    {
        var encounter = request.Encounter;
        var start = encounter.AdmissionDate ?? request.Lines.Min(l => l.ServiceDate);
        var end = encounter.DischargeDate ?? request.Lines.Max(l => l.ServiceDate);
        return Math.Max(1, end.DayNumber - start.DayNumber);
    }

    private static Dictionary<string, ProviderProfile> Profiles(SortedDictionary<string, Totals> totals)
    {
        var peers = totals.Values.GroupBy(t => t.Group, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new Peer(
                Median(g.Select(t => t.DrugShare)),
                Median(g.Select(t => t.AverageAmount)),
                Median(g.Select(t => t.AtypicalShare)),
                Median(g.Select(t => t.ClaimsPerPatient)),
                Median(g.Select(t => t.QuantityRatio))),
            StringComparer.Ordinal);

        return totals.ToDictionary(t => t.Key, t =>
        {
            var own = t.Value;
            var peer = peers[own.Group];
            return new ProviderProfile(
                own.Claims,
                Round(Ratio(own.DrugShare, peer.DrugShare, own.Claims)),
                Round(Ratio(own.AverageAmount, peer.Amount, own.Claims)),
                Round(Ratio(own.AtypicalShare, peer.AtypicalShare, own.Claims)),
                Round(Ratio(own.ClaimsPerPatient, peer.ClaimsPerPatient, own.Claims)),
                Round(Ratio(own.QuantityRatio, peer.QuantityRatio, own.Claims)),
                Round(own.DrugShare),
                Round(peer.DrugShare));
        }, StringComparer.Ordinal);
    }

    /// <summary>Own figure (shrunk towards the peers') over the peers' figure; 1 when the peers' is zero.</summary>
    private static double Ratio(double own, double peer, int claims)
    {
        // A floor on the peers' figure: a ratio against almost nothing would be noise.
        var floor = Math.Max(peer, 0.01);
        var shrunk = ((claims * own) + (ShrinkClaims * peer)) / (claims + ShrinkClaims);
        return peer <= 0 && own <= 0 ? 1 : shrunk / floor;
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private sealed record Peer(double DrugShare, double Amount, double AtypicalShare, double ClaimsPerPatient, double QuantityRatio);

    private sealed class Totals(string group)
    {
        private readonly HashSet<string> _patients = new(StringComparer.Ordinal);
        private long _total;
        private long _drugs;
        private double _atypical;
        private double _quantityRatio;

        public string Group { get; } = group;

        public int Claims { get; private set; }

        public double DrugShare => _total > 0 ? _drugs / (double)_total : 0;

        public double AverageAmount => Claims > 0 ? _total / 100.0 / Claims : 0;

        public double AtypicalShare => Claims > 0 ? _atypical / Claims : 0;

        public double ClaimsPerPatient => _patients.Count > 0 ? Claims / (double)_patients.Count : 0;

        public double QuantityRatio => Claims > 0 ? _quantityRatio / Claims : 0;

        public void Add(AuditRequest request, ClaimFacts facts)
        {
            Claims++;
            _patients.Add(request.Patient.Id);
            _total += facts.TotalFen;
            _drugs += (long)Math.Round(facts.DrugShare * facts.TotalFen);
            _atypical += facts.AtypicalShare;
            _quantityRatio += Math.Min(QuantityRatioCap, facts.MaxQuantityRatio);
        }
    }
}
