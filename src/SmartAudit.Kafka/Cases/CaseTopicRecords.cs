using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Kafka.Spool;

namespace SmartAudit.Kafka.Cases;

/// <summary>The three kinds of record cases are built from.</summary>
internal enum CaseTopic
{
    /// <summary><c>smartaudit.case.v1</c>: a flagged claim.</summary>
    Cases,
    /// <summary><c>smartaudit.decision.v1</c>: an audit decision, a case if the policy raises one.</summary>
    Decisions,
    /// <summary><c>smartaudit.case-decision.v1</c>: a decision on a case.</summary>
    CaseDecisions,
}

/// <summary>
/// Reads case records off the topics: the <c>schema</c> header must name the expected schema, and the value must
/// parse; anything else is unreadable (counted, never applied, never fatal).
/// </summary>
internal static class CaseTopicRecords
{
    public static string Schema(CaseTopic topic) => topic switch
    {
        CaseTopic.Cases => CaseRecord.SchemaV1,
        CaseTopic.Decisions => DecisionRecord.SchemaV1,
        _ => CaseDecision.SchemaV1,
    };

    /// <summary>The record's <see cref="CaseRecord"/>, <see cref="DecisionRecord"/> or <see cref="CaseDecision"/>; null when unreadable.</summary>
    public static object? Read(ConsumeResult<string, byte[]> record, CaseTopic topic)
    {
        if (record.Message.Headers?.TryGetLastBytes(OutboundRecord.SchemaHeader, out var header) != true
            || Encoding.UTF8.GetString(header) != Schema(topic)
            || record.Message.Value is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            return topic switch
            {
                CaseTopic.Cases => CaseJsonContext.ReadCase(value) is var c && IsComplete(c) ? c : null,
                CaseTopic.Decisions => JsonSerializer.Deserialize(value, DecisionJsonContext.Default.DecisionRecord) is { } d && IsComplete(d) ? d : null,
                _ => CaseJsonContext.ReadDecision(value) is var cd && !string.IsNullOrEmpty(cd.CaseId) && cd.Sequence >= 1 ? cd : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // JSON that parses but lacks what a case is made of (a record of another kind under the right header) is unreadable too.
    private static bool IsComplete(CaseRecord record) =>
        !string.IsNullOrEmpty(record.CaseId) && record.Findings is not null && record.Lines is not null && record.Action is not null && record.Stage is not null;

    private static bool IsComplete(DecisionRecord record) =>
        !string.IsNullOrEmpty(record.RequestId) && record.Findings is not null && record.Lines is not null && record.Action is not null && record.Stage is not null;

    /// <summary>Applies one read record to the store through <paramref name="replay"/>.</summary>
    public static Task<CaseReplayOutcome> ApplyAsync(CaseReplay replay, object record, CancellationToken cancellationToken) => record switch
    {
        CaseRecord c => replay.AddCaseAsync(c, cancellationToken),
        DecisionRecord d => replay.AddDecisionAsync(d, cancellationToken),
        CaseDecision cd => replay.AppendAsync(cd, cancellationToken),
        _ => throw new ArgumentException($"not a case record: {record.GetType().Name}", nameof(record)),
    };
}
