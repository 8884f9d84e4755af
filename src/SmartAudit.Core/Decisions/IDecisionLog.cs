namespace SmartAudit.Core.Decisions;

/// <summary>
/// Where every decision and every piece of doctor feedback goes on record. Implementations take the
/// record without blocking the request path and never drop one: the embedded default appends JSON lines
/// to a local file; production produces to Kafka with a disk spool.
/// </summary>
public interface IDecisionLog
{
    /// <summary>Takes a decision for the record. Returns at once.</summary>
    void Append(Decision decision);

    /// <summary>
    /// Takes a decision for the record and completes once the log holds it as safely as it promises to hold an
    /// answered decision: the JSON-lines log once the line is written to the file (a killed process cannot lose
    /// it then). The request path awaits this before it answers, for a bounded time. The default takes the
    /// decision like <see cref="Append(Decision)"/> and completes at once.
    /// </summary>
    ValueTask AppendAcknowledgedAsync(Decision decision)
    {
        Append(decision);
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes a doctor's feedback for the record. Returns at once.</summary>
    void Append(Feedback feedback);
}

public enum FeedbackKind
{
    /// <summary>The doctor changed the order: the reminder was followed.</summary>
    Changed = 1,
    /// <summary>The doctor kept the order and gave a reason.</summary>
    Overridden = 2,
    /// <summary>The doctor closed the reminder without acting.</summary>
    Dismissed = 3,
}

/// <summary>Override reasons, in the spirit of CDS Hooks' override reasons.</summary>
public enum OverrideReason
{
    None = 0,
    PatientSpecificException = 1,
    DocumentedIndication = 2,
    Emergency = 3,
    DisagreeWithRule = 4,
    Other = 5,
}

/// <summary>What a doctor did after a finding.</summary>
public sealed record Feedback(
    string RequestId,
    string RuleId,
    FeedbackKind Kind,
    OverrideReason OverrideReason,
    string Comment,
    string DoctorId,
    IReadOnlyList<string> LineIds,
    DateTimeOffset RecordedAt);
