using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Core.Cases;

/// <summary>
/// Which audit decisions become cases for the fraud team. POST: every claim that is not PASS (as the POST worker
/// publishes them). PRE and MID: only the serious ones, since most reminders are settled by the doctor on screen:
/// an action at or above <see cref="PreMidActionAtLeast"/>, or a fraud score at or above
/// <see cref="FraudScoreAtLeast"/>. The same policy decides live intake and a rebuild from the decisions topic.
/// </summary>
public sealed record CasePolicy
{
    /// <summary>Lowest PRE/MID action that raises a case. Default BLOCK.</summary>
    public AuditAction PreMidActionAtLeast { get; init; } = AuditAction.Block;

    /// <summary>Lowest fraud score (0–1) that raises a case at PRE/MID whatever the action. Default 0.8.</summary>
    public double FraudScoreAtLeast { get; init; } = 0.8;

    /// <summary>Whether a decision record (read from the decisions topic) is a case.</summary>
    public bool Raises(DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Enum.TryParse<AuditAction>(decision.Action, ignoreCase: true, out var action)
            && Raises(decision.Stage == "POST", action, decision.Fraud?.Score);
    }

    /// <summary>Whether a decision just taken is a case: no allocation, so it can be asked on the request path.</summary>
    public bool Raises(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Raises(decision.Request.Stage == Stage.Post, decision.Action, decision.Fraud?.Score);
    }

    private bool Raises(bool post, AuditAction action, double? fraudScore) =>
        action != AuditAction.Pass && (post || action >= PreMidActionAtLeast || fraudScore >= FraudScoreAtLeast);
}
