using System.Diagnostics;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;

namespace SmartAudit.Core.Audit;

/// <summary>
/// One request's path through the core: take the active rule set once, evaluate, decide, put the decision
/// on record. Validation and mapping happen before (in the host); the decision log never blocks.
/// </summary>
public sealed class Auditor(ActiveRuleSet rules, IDecisionLog log, TimeProvider clock)
{
    public ActiveRuleSet Rules { get; } = rules;

    /// <param name="request">A validated request.</param>
    /// <param name="degradedReasons">What the host already knows is missing (a store down, say).</param>
    /// <param name="startedTimestamp">
    /// <see cref="Stopwatch.GetTimestamp"/> when the host received the request, so that the reported time
    /// covers validation and mapping too.
    /// </param>
    public Decision Audit(AuditRequest request, IReadOnlyList<string> degradedReasons, long startedTimestamp)
    {
        var (ruleSet, ruleSetReason) = Rules.Snapshot();
        if (ruleSetReason is not null)
        {
            degradedReasons = [.. degradedReasons, ruleSetReason];
        }

        var result = AuditEngine.Evaluate(ruleSet, request);
        var micros = (long)Stopwatch.GetElapsedTime(startedTimestamp).TotalMicroseconds;
        var decision = DecisionMaker.Decide(request, ruleSet, result, degradedReasons, micros, clock.GetUtcNow());
        log.Append(decision);
        return decision;
    }
}
