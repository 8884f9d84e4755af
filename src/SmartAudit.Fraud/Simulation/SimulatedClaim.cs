using System.Text.Json;
using System.Text.Json.Serialization;
using SmartAudit.Core.Audit;

namespace SmartAudit.Fraud.Simulation;

/// <summary>What the simulator did to a claim: nothing, something unusual but honest, or one fraud pattern.</summary>
public enum FraudPattern
{
    /// <summary>Ordinary care.</summary>
    None,
    /// <summary>Honest but unusual: cancer cycles, many conditions, a move, a long stay. Must not look like fraud.</summary>
    HonestUnusual,
    /// <summary>串换: a dearer item billed in place of the one dispensed.</summary>
    Substitution,
    /// <summary>Services billed that were never given, up to whole visits that never happened.</summary>
    PhantomService,
    /// <summary>A mild case billed as a more serious one: an outpatient visit turned into a short stay.</summary>
    Upcoding,
    /// <summary>Quantities and days of supply far beyond what the case needs.</summary>
    ExcessQuantity,
    /// <summary>分解住院: one stay billed as two, with a readmission a few days later.</summary>
    SplitAdmission,
    /// <summary>A doctor (or a pharmacy) with a group of patients filling the fund's drugs again and again.</summary>
    CollusionRing,
}

/// <summary>
/// One simulated settled claim: the request as the settlement system sends it (stage POST), the pattern
/// the simulator injected (the truth), and the label an investigator would have recorded, which is wrong
/// on purpose for a small share (fraud never caught, honest claims wrongly confirmed).
/// </summary>
public sealed record SimulatedClaim(AuditRequest Request, FraudPattern Pattern, bool Label)
{
    /// <summary>True when the simulator injected fraud, whatever the label says.</summary>
    [JsonIgnore]
    public bool IsFraud => Pattern is not (FraudPattern.None or FraudPattern.HonestUnusual);

    /// <summary>The day the claim was settled: discharge for a stay, the visit date otherwise.</summary>
    [JsonIgnore]
    public DateOnly SettledOn => SettlementDate(Request);

    public static DateOnly SettlementDate(AuditRequest request)
    {
        if (request.Encounter.DischargeDate is { } discharge)
        {
            return discharge;
        }

        var latest = request.Encounter.AdmissionDate ?? DateOnly.MinValue;
        foreach (var line in request.Lines)
        {
            if (line.ServiceDate > latest)
            {
                latest = line.ServiceDate;
            }
        }

        return latest;
    }
}

/// <summary>The simulator's file format: one <see cref="SimulatedClaim"/> per line, JSON, in settlement order.</summary>
public static class SimulatedClaimsFile
{
    public static void Write(TextWriter writer, IEnumerable<SimulatedClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var claim in claims)
        {
            writer.WriteLine(JsonSerializer.Serialize(claim, SimulationJsonContext.Readable.SimulatedClaim));
        }
    }

    /// <summary>Reads a file written by <see cref="Write"/>; a bad line throws with its number.</summary>
    public static List<SimulatedClaim> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var claims = new List<SimulatedClaim>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                claims.Add(JsonSerializer.Deserialize(line, SimulationJsonContext.Default.SimulatedClaim)
                    ?? throw new InvalidDataException($"line {number}: null"));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"line {number}: {ex.Message}", ex);
            }
        }

        return claims;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SimulatedClaim))]
internal sealed partial class SimulationJsonContext : JsonSerializerContext
{
    /// <summary>Chinese names stay readable (and the file smaller) instead of \uXXXX escapes.</summary>
    public static SimulationJsonContext Readable { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    });
}
