using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartAudit.Core.Decisions;

/// <summary>
/// The form a log record takes when it is set aside (dead-lettered) because the log could not write it. It is the
/// record's usual JSON except that non-finite numbers are written as the strings <c>"NaN"</c>, <c>"Infinity"</c>
/// and <c>"-Infinity"</c>: the one thing that makes a record unwritable today (System.Text.Json refuses them in a
/// number field) must not also lose the rest of it. Never used for the log itself, whose schema keeps numbers numbers.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(FeedbackRecord))]
public sealed partial class SetAsideJsonContext : JsonSerializerContext
{
    /// <summary>What can be kept of <paramref name="record"/> (a <see cref="Decision"/> or <see cref="Feedback"/>) as UTF-8 JSON; null when nothing can.</summary>
    public static byte[]? TryToUtf8(object record)
    {
        try
        {
            return record switch
            {
                Decision d => Write(global::SmartAudit.Core.Decisions.DecisionRecord.From(d), Default.DecisionRecord),
                Feedback f => Write(global::SmartAudit.Core.Decisions.FeedbackRecord.From(f), Default.FeedbackRecord),
                _ => null,
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
        {
            return null; // the error is what the set-aside entry records; the record itself cannot be kept
        }
    }

    private static byte[] Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, DecisionJsonContext.WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
