using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace SmartAudit.Kafka.Spool;

/// <summary>
/// One record on its way to Kafka: topic, key, schema, a record id consumers can deduplicate on, the
/// producing time and the serialized value. <see cref="Sequence"/> is the order it was appended in this
/// process (not persisted: a spool file's line order is its order).
/// </summary>
internal sealed record OutboundRecord(long Sequence, string Topic, string Key, string Schema, string RecordId, long TimestampMs, byte[] Value)
{
    /// <summary>Header carrying the record's schema name, e.g. <c>smartaudit.decision.v1</c>.</summary>
    public const string SchemaHeader = "schema";

    /// <summary>Header carrying the record id (a UUID v7, unique per appended record).</summary>
    public const string RecordIdHeader = "record-id";

    public Message<string, byte[]> ToMessage() => new()
    {
        Key = Key,
        Value = Value,
        Timestamp = new Timestamp(TimestampMs, TimestampType.CreateTime),
        Headers = new Headers
        {
            { SchemaHeader, Encoding.UTF8.GetBytes(Schema) },
            { RecordIdHeader, Encoding.UTF8.GetBytes(RecordId) },
        },
    };

    /// <summary>
    /// The spool line: one JSON object with the routing fields and the value embedded verbatim, so an
    /// operator can read the spool with <c>jq</c> and the replayed bytes are exactly the original ones.
    /// </summary>
    public void WriteSpoolLine(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("topic", Topic);
        writer.WriteString("key", Key);
        writer.WriteString("schema", Schema);
        writer.WriteString("recordId", RecordId);
        writer.WriteNumber("timestampMs", TimestampMs);
        writer.WritePropertyName("value");
        writer.WriteRawValue(Value, skipInputValidation: true);
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n"u8);
    }

    /// <summary>Reads a spool line back; null when the line is not a complete record (a torn last write).</summary>
    public static OutboundRecord? ParseSpoolLine(ReadOnlySpan<byte> line, long sequence)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var value = root.GetProperty("value");
            return new OutboundRecord(
                sequence,
                root.GetProperty("topic").GetString()!,
                root.GetProperty("key").GetString()!,
                root.GetProperty("schema").GetString()!,
                root.GetProperty("recordId").GetString()!,
                root.GetProperty("timestampMs").GetInt64(),
                JsonMarshal.GetRawUtf8Value(value).ToArray());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
