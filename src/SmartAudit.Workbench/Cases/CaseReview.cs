using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Cases;

/// <summary>
/// Takes a reviewer's decision: the workflow decides whether it may be taken, the store keeps it (refusing a
/// sequence someone else took first), then it goes on record in the case-decisions log.
/// </summary>
public sealed partial class CaseReview(ICaseStore store, ICaseDecisionLog log, TimeProvider clock, FundCalendar calendar, ILogger<CaseReview> logger)
{
    /// <exception cref="CaseWorkflowException">The step is refused; the message says why.</exception>
    /// <exception cref="KeyNotFoundException">No such case.</exception>
    public async Task<CaseDecision> DecideAsync(string caseId, CaseDecisionInput input, Reviewer who, CancellationToken cancellationToken)
    {
        var file = await store.GetAsync(caseId, cancellationToken) ?? throw new KeyNotFoundException($"no case {caseId}");
        var decision = CaseWorkflow.Decide(file, input, who, clock.GetUtcNow().ToOffset(calendar.Offset));
        try
        {
            await store.AppendAsync(decision, cancellationToken);
        }
        catch (CaseConflictException)
        {
            throw new CaseWorkflowException(CaseRefusal.Conflict, "step", "someone decided on this case a moment ago; read it again", "刚刚有人办理了此案件，请刷新后再办理");
        }

        await log.AppendAsync(decision, cancellationToken);
        LogDecided(logger, decision.CaseId, decision.Sequence, decision.Step, decision.Outcome, who.UserName);
        return decision;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId} decision {Sequence}: {Step} {Outcome} by {User}")]
    private static partial void LogDecided(ILogger logger, string caseId, int sequence, CaseStep step, CaseOutcome? outcome, string user);
}
