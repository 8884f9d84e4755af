using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SmartAudit.Fraud.Simulation;

namespace SmartAudit.Fraud.Training;

/// <summary>
/// What a simulated claims file was made from, written beside it (<c>&lt;file&gt;.manifest.json</c>), so that a
/// model card trained on it can say how to make the same file again, and check it is the same.
/// </summary>
public sealed record DataManifest(
    int Seed,
    int Patients,
    int Hospitals,
    DateOnly StartDate,
    int Days,
    double MissedFraudRate,
    double FalseAccusationRate,
    string RulesVersion,
    int Claims,
    string Sha256)
{
    public static string PathFor(string dataPath) => dataPath + ".manifest.json";

    public static DataManifest For(SimulationOptions options, string rulesVersion, int claims, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DataManifest(options.Seed, options.Patients, options.Hospitals, options.StartDate, options.Days,
            options.MissedFraudRate, options.FalseAccusationRate, rulesVersion, claims, Sha256Of(dataPath));
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Write(string dataPath) => File.WriteAllText(PathFor(dataPath), JsonSerializer.Serialize(this, CardJsonContext.Readable.DataManifest) + "\n");

    /// <summary>The manifest beside <paramref name="dataPath"/>, or null when there is none.</summary>
    public static DataManifest? ReadBeside(string dataPath)
    {
        var path = PathFor(dataPath);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), CardJsonContext.Readable.DataManifest) : null;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DataManifest))]
[JsonSerializable(typeof(ModelCard))]
internal sealed partial class CardJsonContext : JsonSerializerContext
{
    /// <summary>For files people read: "+" and non-ASCII text unescaped.</summary>
    public static CardJsonContext Readable { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
