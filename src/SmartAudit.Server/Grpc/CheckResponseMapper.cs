using SmartAudit.Core.Decisions;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc;

/// <summary>Maps a decision to the wire: active findings only (silent ones stay in the decision log).</summary>
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
                Message = finding.Message,
                MessageEn = finding.MessageEn,
            };
            wire.LineIds.AddRange(finding.LineIds);
            response.Findings.Add(wire);
        }

        return response;
    }
}
