using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartAudit.Fraud.Features;

/// <summary>Norms of one item over the training claims.</summary>
/// <param name="QuantityNorm">Median quantity per claim line (per day of stay for inpatient lines).</param>
public sealed record ItemNorm(double QuantityNorm);

/// <summary>What goes with one principal diagnosis in the training claims.</summary>
/// <param name="TypicalItems">Items on at least 3% of the diagnosis's claims.</param>
/// <param name="StayNorm">Median length of stay of its inpatient claims (0 when it has none).</param>
public sealed record DiagnosisNorm(IReadOnlyList<string> TypicalItems, double StayNorm);

/// <summary>
/// A provider (one hospital's department) or a doctor, against its peers: the providers of the same level
/// and department. Each ratio is the provider's figure over its peers' (1 = like its peers), shrunk towards 1
/// for providers with few claims so that a handful of claims cannot make an outlier.
/// </summary>
public sealed record ProviderProfile(
    int Claims,
    double DrugShareRatio,
    double AmountRatio,
    double AtypicalShareRatio,
    double ClaimsPerPatientRatio,
    double QuantityRatio,
    double DrugShare,
    double PeerDrugShare);

/// <summary>
/// The tables the features look claims up in, built from the training claims and shipped inside the
/// model file, so serving reads exactly what training computed: item and diagnosis norms, and provider
/// and doctor peer statistics. Schema <c>smartaudit.fraud-reference.v1</c>. Immutable; lookups are frozen
/// dictionaries built once, when the tables are made or read.
/// </summary>
public sealed class ReferenceTables
{
    public const string SchemaV1 = "smartaudit.fraud-reference.v1";

    private readonly FrozenDictionary<string, ItemNorm> _items;
    private readonly FrozenDictionary<string, DiagnosisNorm> _diagnoses;
    private readonly FrozenDictionary<string, FrozenSet<string>> _typical;
    private readonly FrozenDictionary<string, ProviderProfile> _providers;
    private readonly FrozenDictionary<string, ProviderProfile> _doctors;

    [JsonConstructor]
    public ReferenceTables(
        string schema,
        string period,
        IReadOnlyDictionary<string, ItemNorm> items,
        IReadOnlyDictionary<string, DiagnosisNorm> diagnoses,
        IReadOnlyDictionary<string, ProviderProfile> providers,
        IReadOnlyDictionary<string, ProviderProfile> doctors)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(diagnoses);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(doctors);
        Schema = schema;
        Period = period;
        Items = items;
        Diagnoses = diagnoses;
        Providers = providers;
        Doctors = doctors;
        _items = items.ToFrozenDictionary(StringComparer.Ordinal);
        _diagnoses = diagnoses.ToFrozenDictionary(StringComparer.Ordinal);
        _typical = diagnoses.ToFrozenDictionary(d => d.Key, d => d.Value.TypicalItems.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
        _providers = providers.ToFrozenDictionary(StringComparer.Ordinal);
        _doctors = doctors.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public string Schema { get; }

    /// <summary>The claims the tables were built from, e.g. "2025-09-01..2026-01-31, 45,000 claims".</summary>
    public string Period { get; }

    public IReadOnlyDictionary<string, ItemNorm> Items { get; }

    public IReadOnlyDictionary<string, DiagnosisNorm> Diagnoses { get; }

    /// <summary>Keyed by <see cref="ProviderKey"/>.</summary>
    public IReadOnlyDictionary<string, ProviderProfile> Providers { get; }

    /// <summary>Keyed by doctor id; peers are the doctors of hospitals of the same level and department.</summary>
    public IReadOnlyDictionary<string, ProviderProfile> Doctors { get; }

    /// <summary>The key of a provider: hospital and department.</summary>
    public static string ProviderKey(string hospitalId, string department) => string.Concat(hospitalId, "|", department);

    public ItemNorm? Item(string code) => _items.GetValueOrDefault(code);

    public DiagnosisNorm? Diagnosis(string code) => _diagnoses.GetValueOrDefault(code);

    /// <summary>True when <paramref name="item"/> is typical for <paramref name="diagnosis"/>; null when the diagnosis is unknown.</summary>
    public bool? IsTypical(string diagnosis, string item) => _typical.TryGetValue(diagnosis, out var items) ? items.Contains(item) : null;

    public ProviderProfile? Provider(string hospitalId, string department) => _providers.GetValueOrDefault(ProviderKey(hospitalId, department));

    public ProviderProfile? Doctor(string doctorId) => _doctors.GetValueOrDefault(doctorId);

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, ReferenceJsonContext.Default.ReferenceTables);

    /// <exception cref="InvalidDataException">Not a reference table of this schema.</exception>
    public static ReferenceTables FromUtf8(ReadOnlySpan<byte> json)
    {
        ReferenceTables? tables;
        try
        {
            tables = JsonSerializer.Deserialize(json, ReferenceJsonContext.Default.ReferenceTables);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the reference tables are not valid JSON: {ex.Message}", ex);
        }

        if (tables is null || tables.Schema != SchemaV1)
        {
            throw new InvalidDataException($"the reference tables are not {SchemaV1} (schema '{tables?.Schema}')");
        }

        return tables;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ReferenceTables))]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
