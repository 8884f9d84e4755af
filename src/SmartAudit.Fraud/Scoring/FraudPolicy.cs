using System.Globalization;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;

namespace SmartAudit.Fraud.Scoring;

/// <summary>
/// When a score becomes a finding. PRE and MID: at or above <see cref="WarnThreshold"/> a WARN, at or
/// above <see cref="RemindThreshold"/> a REMIND; POST: at or above <see cref="FlagThreshold"/> the claim is
/// flagged for review (a WARN, which at POST means exactly that). A threshold left null is the model's own
/// suggestion, the score of its top 5% (remind, flag) or top 1% (warn) of held-out claims. PRE orders are
/// scored only when <see cref="ScorePre"/> is set: the model was trained on settled claims.
/// </summary>
public sealed record FraudPolicy
{
    public bool ScorePre { get; init; }

    public double? RemindThreshold { get; init; }

    public double? WarnThreshold { get; init; }

    public double? FlagThreshold { get; init; }

    public bool Scores(Stage stage) => stage != Stage.Pre || ScorePre;

    /// <summary>The finding for <paramref name="assessment"/> at <paramref name="stage"/>, or null below the thresholds.</summary>
    public Finding? FindingFor(Stage stage, FraudAssessment assessment, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(metadata);
        Severity? severity = stage switch
        {
            Stage.Post => assessment.Score >= (FlagThreshold ?? metadata.SuggestedRemindThreshold) ? Severity.Warn : null,
            _ when assessment.Score >= (WarnThreshold ?? metadata.SuggestedWarnThreshold) => Severity.Warn,
            _ when assessment.Score >= (RemindThreshold ?? metadata.SuggestedRemindThreshold) => Severity.Remind,
            _ => null,
        };
        if (severity is not { } level)
        {
            return null;
        }

        var score = assessment.Score.ToString("0.00", CultureInfo.InvariantCulture);
        var zh = assessment.Reasons.Count == 0 ? string.Empty : "：" + string.Join("；", assessment.Reasons.Take(3).Select(r => r.Message));
        var en = assessment.Reasons.Count == 0 ? string.Empty : ": " + string.Join("; ", assessment.Reasons.Take(3).Select(r => r.MessageEn));
        return new Finding(FraudFinding.RuleId, FraudFinding.Category, level, Certainty.Suspected,
            $"疑似欺诈，风险评分{score}（模型{assessment.ModelVersion}）{zh}",
            $"Possible fraud, risk score {score} (model {assessment.ModelVersion}){en}",
            []);
    }
}
