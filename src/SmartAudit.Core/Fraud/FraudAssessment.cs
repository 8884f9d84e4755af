using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;

namespace SmartAudit.Core.Fraud;

/// <summary>
/// One feature that pushed the fraud score up, in words a reviewer understands: "this hospital's average
/// drug share is 3.1x its peers'". <see cref="Contribution"/> is the feature's share of the model's raw
/// score for this request (ML.NET feature contribution); reasons are ordered by it, largest first.
/// </summary>
public sealed record FraudReason(string Feature, double Value, double Contribution, string Message, string MessageEn);

/// <summary>The fraud model's view of one request: a score between 0 and 1, the model that gave it, and why.</summary>
public sealed record FraudAssessment(double Score, string ModelVersion, IReadOnlyList<FraudReason> Reasons);

/// <summary>
/// What scoring added to a request: the assessment (null when the request was not scored), the finding a
/// score above the thresholds becomes (null below them), and, when the model could not score, why: the
/// answer is then rules-only and degraded.
/// </summary>
public readonly record struct FraudOutcome(FraudAssessment? Assessment, Finding? Finding, string? DegradedReason)
{
    /// <summary>Not scored by choice (the stage is not scored): not degraded.</summary>
    public static FraudOutcome NotScored => default;

    /// <summary>The engine's result with the model's finding, or its degraded reason, added.</summary>
    public EngineResult AddTo(EngineResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Finding is { } finding)
        {
            result = result with { Findings = [.. result.Findings, finding] };
        }

        return DegradedReason is { } reason ? result with { DegradedReasons = [.. result.DegradedReasons, reason] } : result;
    }
}

/// <summary>
/// The fraud scorer, a port: the core calls it after the rules with the same request, history and findings.
/// Implementations are pure and cheap, never throw for a bad model (they answer with a degraded reason),
/// and are safe to call from many threads.
/// </summary>
public interface IFraudScorer
{
    /// <summary>True when requests of <paramref name="stage"/> are scored (the core then reads the history for them).</summary>
    bool Scores(Stage stage);

    FraudOutcome Score(AuditRequest request, PatientHistory history, IReadOnlyList<Finding> findings);
}

/// <summary>No fraud model in this host: nothing is scored, nothing is degraded.</summary>
public sealed class NoFraudScorer : IFraudScorer
{
    public static NoFraudScorer Instance { get; } = new();

    public bool Scores(Stage stage) => false;

    public FraudOutcome Score(AuditRequest request, PatientHistory history, IReadOnlyList<Finding> findings) => FraudOutcome.NotScored;
}
