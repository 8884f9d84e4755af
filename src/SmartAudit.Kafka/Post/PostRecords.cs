using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using SmartAudit.Core.Cases;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// A settled claim the worker could not audit, version 1 (<c>"schema": "smartaudit.claim-rejected.v1"</c>): not JSON,
/// or fields the contract refuses. The claim is kept as received so that it can be fixed and sent again.
/// </summary>
public sealed record RejectedClaimRecord(
    string Schema,
    ClaimSource Source,
    string? ClaimId,
    string Reason,
    IReadOnlyList<string> Problems,
    DateTimeOffset RejectedAt,
    string Claim)
{
    public const string SchemaV1 = "smartaudit.claim-rejected.v1";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(RejectedClaimRecord))]
public sealed partial class PostJsonContext : JsonSerializerContext
{
    private static readonly PostJsonContext ReadableContext = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    });

    /// <summary>UTF-8 JSON with Chinese text readable, as the decision log writes it.</summary>
    public static byte[] ToUtf8(CaseRecord record) => CaseJsonContext.ToUtf8(record);

    public static byte[] ToUtf8(RejectedClaimRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, ReadableContext.RejectedClaimRecord);
}
