namespace SmartAudit.Core.Cases;

/// <summary>Why the workflow refused a decision.</summary>
public enum CaseRefusal
{
    /// <summary>The input is incomplete or out of range (no note, no amount for a confirmed violation…).</summary>
    Invalid,
    /// <summary>The user's role may not take this step.</summary>
    Forbidden,
    /// <summary>The case is not at a point where this step can be taken (second review before first review…).</summary>
    OutOfOrder,
    /// <summary>Someone decided on the case after the user read it.</summary>
    Conflict,
}

/// <summary>A decision the workflow refused, with the reason in words a reviewer understands.</summary>
public sealed class CaseWorkflowException : Exception
{
    public CaseWorkflowException(CaseRefusal refusal, string field, string message, string messageZh)
        : base(message)
    {
        Refusal = refusal;
        Field = field;
        MessageZh = messageZh;
    }

    public CaseWorkflowException()
    {
        Field = string.Empty;
    }

    public CaseWorkflowException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    public CaseWorkflowException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    public CaseRefusal Refusal { get; }

    /// <summary>The same reason in Chinese (<see cref="Exception.Message"/> is English), as rule findings carry both.</summary>
    public string MessageZh { get; } = string.Empty;

    /// <summary>The form field at fault (<c>note</c>, <c>deduct</c>…), or <c>step</c> for the step itself.</summary>
    public string Field { get; }
}

/// <summary>
/// The national review steps, as rules over a case's decisions: a reviewer takes the first review (初审); a lead,
/// not the same person, takes the second review (复审) that sets the outcome; a lead may reassign an open case
/// or reverse a closed one with a new decision. Nothing here changes a decision already taken.
/// </summary>
public static class CaseWorkflow
{
    /// <summary>Longest note kept, in characters.</summary>
    public const int MaxNoteLength = 2000;

    /// <summary>The decision <paramref name="who"/> takes on <paramref name="file"/>, or a <see cref="CaseWorkflowException"/> saying why not.</summary>
    public static CaseDecision Decide(CaseFile file, CaseDecisionInput input, Reviewer who, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(who);
        var state = file.State;
        if (input.ExpectedVersion != state.Version)
        {
            throw Refuse(CaseRefusal.Conflict, "step", $"the case changed while you were reading it ({state.Version - input.ExpectedVersion} new decision(s)); read it again", $"您阅读期间此案件有了 {state.Version - input.ExpectedVersion} 条新意见，请刷新后再办理");
        }

        var note = (input.Note ?? string.Empty).Trim();
        if (note.Length > MaxNoteLength)
        {
            throw Refuse(CaseRefusal.Invalid, "note", $"the note is {note.Length} characters; at most {MaxNoteLength}", $"意见说明有 {note.Length} 个字，最多 {MaxNoteLength} 个字");
        }

        return input.Step switch
        {
            CaseStep.FirstReview => FirstReview(file, input, note, who, now),
            CaseStep.SecondReview => SecondReview(file, input, note, who, now),
            CaseStep.Reversal => Reversal(file, input, note, who, now),
            CaseStep.Reassign => Reassign(file, input, note, who, now),
            _ => throw Refuse(CaseRefusal.Invalid, "step", $"unknown step {input.Step}", $"未知的办理步骤 {input.Step}"),
        };
    }

    /// <summary>The steps <paramref name="who"/> may take on the case now (what the case page offers).</summary>
    public static IReadOnlyList<CaseStep> StepsAvailable(CaseFile file, Reviewer who)
    {
        var state = file.State;
        var steps = new List<CaseStep>(2);
        if (state.Status is CaseStatus.AwaitingFirstReview or CaseStatus.NeedsInformation
            && (who.IsLead || state.AssignedTo is null || state.AssignedTo == who.UserName))
        {
            steps.Add(CaseStep.FirstReview);
        }

        if (who.IsLead && state.Status == CaseStatus.AwaitingSecondReview && state.FirstReview?.DecidedBy != who.UserName)
        {
            steps.Add(CaseStep.SecondReview);
        }

        if (who.IsLead && state.IsClosed)
        {
            steps.Add(CaseStep.Reversal);
        }

        if (who.IsLead && !state.IsClosed)
        {
            steps.Add(CaseStep.Reassign);
        }

        return steps;
    }

    private static CaseDecision FirstReview(CaseFile file, CaseDecisionInput input, string note, Reviewer who, DateTimeOffset now)
    {
        var state = file.State;
        if (state.Status is not (CaseStatus.AwaitingFirstReview or CaseStatus.NeedsInformation))
        {
            throw Refuse(CaseRefusal.OutOfOrder, "step", $"the case is {Describe(state.Status)}: its first review is done", $"此案件{DescribeZh(state.Status)}：初审已完成");
        }

        if (!who.IsLead && state.AssignedTo is { } owner && owner != who.UserName)
        {
            throw Refuse(CaseRefusal.Forbidden, "step", $"the case is assigned to {owner}; a lead can reassign it", $"此案件已分派给 {owner}，可由组长转派");
        }

        return Review(file, input, note, who, now);
    }

    private static CaseDecision SecondReview(CaseFile file, CaseDecisionInput input, string note, Reviewer who, DateTimeOffset now)
    {
        var state = file.State;
        if (!who.IsLead)
        {
            throw Refuse(CaseRefusal.Forbidden, "step", "second review is a lead's step", "复审须由组长办理");
        }

        if (state.Status != CaseStatus.AwaitingSecondReview)
        {
            var notYet = state.Status is CaseStatus.AwaitingFirstReview or CaseStatus.NeedsInformation;
            throw Refuse(CaseRefusal.OutOfOrder, "step",
                notYet ? "the case has not had its first review: second review cannot come first" : $"the case is {Describe(state.Status)}; a lead changes an outcome by reversal",
                notYet ? "此案件尚未初审，不能先复审" : $"此案件{DescribeZh(state.Status)}，组长可通过改判变更结论");
        }

        if (state.FirstReview?.DecidedBy == who.UserName)
        {
            throw Refuse(CaseRefusal.Forbidden, "step", "you took the first review: the second review must be someone else's", "您已办理初审，复审须由另一位组长办理");
        }

        return Review(file, input, note, who, now);
    }

    private static CaseDecision Reversal(CaseFile file, CaseDecisionInput input, string note, Reviewer who, DateTimeOffset now)
    {
        var state = file.State;
        if (!who.IsLead)
        {
            throw Refuse(CaseRefusal.Forbidden, "step", "reversing an outcome is a lead's step", "改判须由组长办理");
        }

        if (!state.IsClosed)
        {
            throw Refuse(CaseRefusal.OutOfOrder, "step", $"the case is {Describe(state.Status)}: only a confirmed or false-positive outcome can be reversed", $"此案件{DescribeZh(state.Status)}：只有已确认违规或误报的案件可以改判");
        }

        if (input.Outcome is { } outcome && CaseState.StatusOf(outcome) == state.Status && input.DeductFen == state.DeductFen)
        {
            throw Refuse(CaseRefusal.Invalid, "outcome", "a reversal must change the outcome or the amount", "改判须改变结论或扣减金额");
        }

        return Review(file, input, note, who, now) with { Reverses = state.Final!.Sequence };
    }

    private static CaseDecision Reassign(CaseFile file, CaseDecisionInput input, string note, Reviewer who, DateTimeOffset now)
    {
        var state = file.State;
        if (!who.IsLead)
        {
            throw Refuse(CaseRefusal.Forbidden, "step", "reassigning a case is a lead's step", "转派须由组长办理");
        }

        if (state.IsClosed)
        {
            throw Refuse(CaseRefusal.OutOfOrder, "step", $"the case is {Describe(state.Status)}: closed cases are not assigned", $"此案件{DescribeZh(state.Status)}：已办结的案件不能转派");
        }

        var to = input.AssignTo?.Trim();
        if (string.IsNullOrEmpty(to))
        {
            throw Refuse(CaseRefusal.Invalid, "assignTo", "say who the case goes to", "请选择转派对象");
        }

        return New(file, CaseStep.Reassign, null, 0, note, who, now) with { AssignedTo = to };
    }

    private static CaseDecision Review(CaseFile file, CaseDecisionInput input, string note, Reviewer who, DateTimeOffset now)
    {
        if (input.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            throw Refuse(CaseRefusal.Invalid, "outcome", "choose an outcome: confirmed violation, false positive or needs more information", "请选择结论：确认违规、误报或需补充材料");
        }

        if (note.Length == 0)
        {
            throw Refuse(CaseRefusal.Invalid, "note", "a review needs a note saying why", "审核意见须填写说明");
        }

        var claim = file.Record.ClaimAmountFen;
        if (outcome == CaseOutcome.Confirmed && (input.DeductFen <= 0 || input.DeductFen > claim))
        {
            throw Refuse(CaseRefusal.Invalid, "deduct", $"a confirmed violation needs the amount to deduct, more than 0 and at most the claim's {claim / 100m:0.00}", $"确认违规须填写扣减金额：大于 0，且不超过结算金额 {claim / 100m:0.00} 元");
        }

        if (outcome != CaseOutcome.Confirmed && input.DeductFen != 0)
        {
            throw Refuse(CaseRefusal.Invalid, "deduct", "only a confirmed violation deducts an amount", "只有确认违规才扣减金额");
        }

        return New(file, input.Step, outcome, input.DeductFen, note, who, now);
    }

    private static CaseDecision New(CaseFile file, CaseStep step, CaseOutcome? outcome, long deductFen, string note, Reviewer who, DateTimeOffset now)
    {
        var sequence = file.State.Version + 1;
        return new CaseDecision(CaseDecision.SchemaV1, CaseDecision.IdFor(file.Record.CaseId, sequence), file.Record.CaseId, sequence, step, outcome,
            deductFen, note, who.UserName, who.Role, now);
    }

    private static string Describe(CaseStatus status) => status switch
    {
        CaseStatus.AwaitingFirstReview => "awaiting first review",
        CaseStatus.AwaitingSecondReview => "awaiting second review",
        CaseStatus.NeedsInformation => "waiting for more information",
        CaseStatus.Confirmed => "confirmed",
        _ => "a false positive",
    };

    private static string DescribeZh(CaseStatus status) => status switch
    {
        CaseStatus.AwaitingFirstReview => "待初审",
        CaseStatus.AwaitingSecondReview => "待复审",
        CaseStatus.NeedsInformation => "待补充材料",
        CaseStatus.Confirmed => "已确认违规",
        _ => "已认定误报",
    };

    private static CaseWorkflowException Refuse(CaseRefusal refusal, string field, string message, string messageZh) => new(refusal, field, message, messageZh);
}
