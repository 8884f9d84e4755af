using SmartAudit.Core.Audit;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.Rules;

namespace SmartAudit.Core.Decisions;

/// <summary>
/// The service's answer to one request, as it is logged: every finding (silent ones included), the
/// action they add up to, the versions that produced it, and whether anything was left out.
/// <see cref="Fraud"/> is the fraud model's assessment when the request was scored.
/// </summary>
public sealed record Decision(
    AuditRequest Request,
    AuditAction Action,
    IReadOnlyList<Finding> Findings,
    string RuleSetVersion,
    IReadOnlyList<string> DegradedReasons,
    long EvaluationMicros,
    DateTimeOffset DecidedAt,
    FraudAssessment? Fraud = null)
{
    public bool Degraded => DegradedReasons.Count > 0;

    /// <summary>The findings the caller is shown: active ones, most severe first.</summary>
    public IEnumerable<Finding> ActiveFindings => Findings.Where(f => !f.Silent);
}

/// <summary>Turns findings into a decision: the most severe active finding wins; silent findings never count.</summary>
public static class DecisionMaker
{
    public static AuditAction ActionFor(IEnumerable<Finding> findings)
    {
        var action = AuditAction.Pass;
        foreach (var finding in findings)
        {
            if (!finding.Silent && (int)finding.Severity > (int)action)
            {
                action = (AuditAction)(int)finding.Severity;
            }
        }

        return action;
    }

    /// <summary>
    /// Builds the decision for <paramref name="request"/>: findings ordered most severe first (stable, so
    /// rules keep their file order and lines their request order within a severity).
    /// </summary>
    public static Decision Decide(AuditRequest request, RuleSet ruleSet, EngineResult result, IReadOnlyList<string> degradedReasons,
        long evaluationMicros, DateTimeOffset decidedAt)
    {
        var findings = result.Findings.Count > 1
            ? [.. result.Findings.OrderByDescending(f => f.Severity)]
            : result.Findings;
        var reasons = result.DegradedReasons.Count == 0 ? degradedReasons : [.. degradedReasons, .. result.DegradedReasons];
        return new Decision(request, ActionFor(findings), findings, ruleSet.Version, reasons, evaluationMicros, decidedAt);
    }
}
