using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace SmartAudit.Core.Cases;

/// <summary>Source-generated JSON for case records and case decisions: camelCase, enums as upper-case strings, Chinese readable.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CaseRecord))]
[JsonSerializable(typeof(CaseDecision))]
public sealed partial class CaseJsonContext : JsonSerializerContext
{
    /// <summary>Writes with Chinese text as UTF-8 rather than \u escapes, as the decision log does.</summary>
    public static CaseJsonContext Readable { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter() },
    });

    public static byte[] ToUtf8(CaseRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, Readable.CaseRecord);

    public static byte[] ToUtf8(CaseDecision decision) => JsonSerializer.SerializeToUtf8Bytes(decision, Readable.CaseDecision);

    public static CaseRecord ReadCase(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, Readable.CaseRecord) ?? throw new JsonException("a case record is null");

    public static CaseDecision ReadDecision(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, Readable.CaseDecision) ?? throw new JsonException("a case decision is null");
}
