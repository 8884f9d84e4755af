using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.History;
using SmartAudit.Fraud.Features;

namespace SmartAudit.Fraud.Scoring;

/// <summary>
/// The server's <see cref="IFraudScorer"/>: the shared feature function, the active model's pooled
/// prediction with feature contributions, the reasons, and the policy's finding. Never throws: no model,
/// or a model that fails, gives a rules-only answer with the reason in <c>degraded</c>.
/// </summary>
public sealed class FraudScorer(ActiveFraudModel models, FraudPolicy policy) : IFraudScorer
{
    public FraudPolicy Policy { get; } = policy;

    public bool Scores(Stage stage) => Policy.Scores(stage);

    public FraudOutcome Score(AuditRequest request, PatientHistory history, IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Policy.Scores(request.Stage))
        {
            return FraudOutcome.NotScored;
        }

        var model = models.Current;
        if (model is null)
        {
            return new FraudOutcome(null, null, $"fraud model unavailable: {models.Problem ?? "not loaded"}");
        }

        try
        {
            var features = FeatureExtractor.Compute(request, history, findings, model.Tables);
            var (probability, contributions) = model.Predict(features);
            var assessment = new FraudAssessment(Math.Round(probability, 4), model.Version, ReasonWriter.Top(features, contributions, request, model.Metadata.Usual));
            return new FraudOutcome(assessment, Policy.FindingFor(request.Stage, assessment, model.Metadata), null);
        }
#pragma warning disable CA1031 // a model fault must never fail a request: it degrades the answer
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new FraudOutcome(null, null, $"fraud model failed on this request ({ex.GetType().Name})");
        }
    }
}
