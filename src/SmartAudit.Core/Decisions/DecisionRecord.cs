using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace SmartAudit.Core.Decisions;

/// <summary>
/// The decision log's record, version 1 (<c>"schema": "smartaudit.decision.v1"</c>): one per audited
/// request, JSON, camelCase, enums as upper-case strings. JSON because auditors, appeals staff and
/// ad-hoc tools read it without the proto; the schema only ever gains fields within a version.
/// Holds what an appeal months later needs: who, what, which rules at which version, and the answer.
/// </summary>
public sealed record DecisionRecord(
    string Schema,
    string RequestId,
    DateTimeOffset DecidedAt,
    string Stage,
    string PatientId,
    string EncounterId,
    string EncounterKind,
    string HospitalId,
    int HospitalLevel,
    string Department,
    string DoctorId,
    string Action,
    IReadOnlyList<FindingRecord> Findings,
    string RuleSetVersion,
    string? ModelVersion,
    bool Degraded,
    IReadOnlyList<string> DegradedReasons,
    long EvaluationMicros,
    IReadOnlyList<LineRecord> Lines,
    FraudRecord? Fraud = null)
{
    public const string SchemaV1 = "smartaudit.decision.v1";

    public static DecisionRecord From(Decision decision)
    {
        var request = decision.Request;
        var encounter = request.Encounter;
        return new DecisionRecord(
            SchemaV1,
            request.RequestId,
            decision.DecidedAt,
            Upper(request.Stage),
            request.Patient.Id,
            encounter.Id,
            Upper(encounter.Kind),
            encounter.HospitalId,
            encounter.HospitalLevel,
            encounter.Department,
            encounter.DoctorId,
            Upper(decision.Action),
            [.. decision.Findings.Select(f => new FindingRecord(f.RuleId, f.Category, Upper(f.Severity), Upper(f.Certainty), f.Silent, f.Message, f.MessageEn, f.LineIds))],
            decision.RuleSetVersion,
            decision.Fraud?.ModelVersion,
            decision.Degraded,
            decision.DegradedReasons,
            decision.EvaluationMicros,
            [.. request.Lines.Select(l => new LineRecord(l.LineId, l.ItemCode, Upper(l.ItemKind), l.Quantity, l.UnitPriceFen, l.AmountFen))],
            decision.Fraud is { } fraud ? new FraudRecord(fraud.Score, fraud.Reasons) : null);
    }

    internal static string Upper<T>(T value)
        where T : struct, Enum => value.ToString().ToUpperInvariant();
}

public sealed record FindingRecord(
    string RuleId,
    string Category,
    string Severity,
    string Certainty,
    bool Silent,
    string Message,
    string MessageEn,
    IReadOnlyList<string> LineIds);

/// <summary>
/// The fraud model's assessment (added to v1 as an optional field: absent or null when the request was not
/// scored). The model is the record's <c>modelVersion</c>.
/// </summary>
public sealed record FraudRecord(double Score, IReadOnlyList<Fraud.FraudReason> Reasons);

public sealed record LineRecord(string LineId, string ItemCode, string ItemKind, double Quantity, long UnitPriceFen, long AmountFen);

/// <summary>
/// The feedback record, version 1 (<c>"schema": "smartaudit.feedback.v1"</c>). <see cref="Inferred"/> (added
/// within v1, false when absent) marks a record the service derived rather than one a doctor sent: a PRE
/// request that came back for the same encounter without the line a reminder flagged counts as CHANGED.
/// </summary>
public sealed record FeedbackRecord(
    string Schema,
    string RequestId,
    string RuleId,
    string Kind,
    string? OverrideReason,
    string Comment,
    string DoctorId,
    IReadOnlyList<string> LineIds,
    DateTimeOffset RecordedAt,
    bool Inferred = false)
{
    public const string SchemaV1 = "smartaudit.feedback.v1";

    public static FeedbackRecord From(Feedback feedback) => new(
        SchemaV1,
        feedback.RequestId,
        feedback.RuleId,
        DecisionRecord.Upper(feedback.Kind),
        feedback.OverrideReason == Decisions.OverrideReason.None ? null : ToSnake(feedback.OverrideReason.ToString()),
        feedback.Comment,
        feedback.DoctorId,
        feedback.LineIds,
        feedback.RecordedAt);

    private static string ToSnake(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}

/// <summary>Source-generated serialization for the log records: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(FeedbackRecord))]
public sealed partial class DecisionJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Writer settings for log records: Chinese text stays readable UTF-8 (the default encoder would turn
    /// every CJK character into a \uXXXX escape, doubling the size and defeating grep).
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The one byte form of a decision record, wherever it is written (file, Kafka).</summary>
    public static byte[] ToUtf8(DecisionRecord record) => Write(record, Default.DecisionRecord);

    /// <summary>The one byte form of a feedback record.</summary>
    public static byte[] ToUtf8(FeedbackRecord record) => Write(record, Default.FeedbackRecord);

    private static byte[] Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
