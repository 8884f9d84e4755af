namespace SmartAudit.Core.Decisions;

/// <summary>How severe a finding is. Ordered: a larger value is more severe.</summary>
public enum Severity
{
    Remind = 2,
    Warn = 3,
    Block = 4,
}

/// <summary>What the caller should do with a whole request: the most severe active finding.</summary>
public enum AuditAction
{
    Pass = 1,
    Remind = 2,
    Warn = 3,
    Block = 4,
}

public enum Certainty
{
    /// <summary>疑似</summary>
    Suspected = 1,
    /// <summary>明确</summary>
    Certain = 2,
}

/// <summary>
/// One rule (or the model) saying something about lines of a request, or the whole encounter when
/// <see cref="LineIds"/> is empty. A <see cref="Silent"/> finding comes from a rule on trial: it is
/// logged with the decision but never changes the action and is not shown to the caller.
/// <see cref="Message"/> and <see cref="MessageEn"/> are the whole text, for the decision log and the fund's
/// workbench; <see cref="CallerMessage"/> and <see cref="CallerMessageEn"/>, when set, are what the calling
/// hospital may read: another hospital's records named only as "another institution", without their dates.
/// </summary>
public sealed record Finding(
    string RuleId,
    string Category,
    Severity Severity,
    Certainty Certainty,
    string Message,
    string MessageEn,
    IReadOnlyList<string> LineIds,
    bool Silent = false,
    string? CallerMessage = null,
    string? CallerMessageEn = null)
{
    /// <summary>The Chinese message the caller may read.</summary>
    public string MessageForCaller => CallerMessage ?? Message;

    /// <summary>The English message the caller may read.</summary>
    public string MessageEnForCaller => CallerMessageEn ?? MessageEn;
}
