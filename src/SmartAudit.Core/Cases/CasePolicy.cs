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

    public bool Raises(DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!Enum.TryParse<AuditAction>(decision.Action, ignoreCase: true, out var action) || action == AuditAction.Pass)
        {
            return false;
        }

        return decision.Stage == "POST"
            || action >= PreMidActionAtLeast
            || decision.Fraud is { } fraud && fraud.Score >= FraudScoreAtLeast;
    }
}
