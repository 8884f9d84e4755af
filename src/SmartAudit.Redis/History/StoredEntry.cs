using System.Text.Json.Serialization;
using SmartAudit.Core.Audit;
using SmartAudit.Core.History;

namespace SmartAudit.Redis.History;

/// <summary>
/// One encounter and its lines as the Redis history store keeps them: compact JSON with short names
/// (a patient's whole history is read on every request). Version 1; a field added later must be optional.
/// </summary>
internal sealed record StoredEntry(
    [property: JsonPropertyName("w")] long WrittenAt,
    [property: JsonPropertyName("k")] EncounterKind Kind,
    [property: JsonPropertyName("h")] string HospitalId,
    [property: JsonPropertyName("d")] string Department,
    [property: JsonPropertyName("s")] DateOnly StartDate,
    [property: JsonPropertyName("x")] DateOnly? EndDate,
    [property: JsonPropertyName("g")] IReadOnlyList<string> DiagnosisCodes,
    [property: JsonPropertyName("l")] IReadOnlyList<StoredLine> Lines)
{
    public static StoredEntry From(HistoryEntry entry, long writtenAt)
    {
        var encounter = entry.Encounter;
        var lines = new StoredLine[entry.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = entry.Lines[i];
            lines[i] = new StoredLine(line.ItemCode, line.Ingredient.Length == 0 ? null : line.Ingredient, line.ServiceDate, line.Quantity,
                line.DaysOfSupply, line.HospitalId == encounter.HospitalId ? null : line.HospitalId);
        }

        return new StoredEntry(writtenAt, encounter.Kind, encounter.HospitalId, encounter.Department, encounter.StartDate, encounter.EndDate,
            encounter.DiagnosisCodes, lines);
    }

    public HistoryEncounter ToEncounter(string encounterId) =>
        new(encounterId, Kind, HospitalId, Department, StartDate, EndDate, DiagnosisCodes);

    public void AddLines(string encounterId, List<HistoryLine> into)
    {
        foreach (var line in Lines)
        {
            into.Add(new HistoryLine(encounterId, line.HospitalId ?? HospitalId, line.ItemCode, line.Ingredient ?? string.Empty, line.ServiceDate,
                line.Quantity, line.DaysOfSupply));
        }
    }
}

/// <summary>One line of a <see cref="StoredEntry"/>; the hospital only when it is not the encounter's.</summary>
internal sealed record StoredLine(
    [property: JsonPropertyName("c")] string ItemCode,
    [property: JsonPropertyName("i")] string? Ingredient,
    [property: JsonPropertyName("t")] DateOnly ServiceDate,
    [property: JsonPropertyName("q")] double Quantity,
    [property: JsonPropertyName("n")] int DaysOfSupply,
    [property: JsonPropertyName("h")] string? HospitalId);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredEntry))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
