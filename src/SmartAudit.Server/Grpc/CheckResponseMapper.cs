using SmartAudit.Core.Decisions;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc;

/// <summary>Maps a decision to the wire: active findings only (silent ones stay in the decision log), and the fraud assessment.</summary>
internal static class CheckResponseMapper
{
    public static V1.CheckResponse ToResponse(Decision decision)
    {
        var response = new V1.CheckResponse
        {
            RequestId = decision.Request.RequestId,
            Action = (V1.Action)(int)decision.Action,
            RuleSetVersion = decision.RuleSetVersion,
            Degraded = decision.Degraded,
            EvaluationMicros = decision.EvaluationMicros,
        };
        response.DegradedReasons.AddRange(decision.DegradedReasons);
        foreach (var finding in decision.Findings)
        {
            if (finding.Silent)
            {
                continue;
            }

            var wire = new V1.Finding
            {
                RuleId = finding.RuleId,
                Category = finding.Category,
                Severity = (V1.Severity)(int)finding.Severity,
                Certainty = (V1.Certainty)(int)finding.Certainty,
                Message = finding.MessageForCaller, // never another hospital's name or dates: those stay in the decision log
                MessageEn = finding.MessageEnForCaller,
            };
            wire.LineIds.AddRange(finding.LineIds);
            response.Findings.Add(wire);
        }

        if (decision.Fraud is { } fraud)
        {
            response.Fraud = ToWire(fraud);
        }

        return response;
    }

    private static V1.FraudAssessment ToWire(Core.Fraud.FraudAssessment fraud)
    {
        var wire = new V1.FraudAssessment { Score = fraud.Score, ModelVersion = fraud.ModelVersion };
        foreach (var reason in fraud.Reasons)
        {
            wire.Reasons.Add(new V1.FraudReason
            {
                Feature = reason.Feature,
                Value = reason.Value,
                Contribution = reason.Contribution,
                Message = reason.Message,
                MessageEn = reason.MessageEn,
            });
        }

        return wire;
    }
}
