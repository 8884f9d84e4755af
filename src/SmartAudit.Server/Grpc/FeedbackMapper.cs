using Google.Rpc;
using SmartAudit.Core.Decisions;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc;

/// <summary>Checks and maps a doctor's feedback on a finding.</summary>
internal static class FeedbackMapper
{
    private const int MaxCommentLength = 500;

    public static Feedback? TryMap(V1.FeedbackRequest request, DateTimeOffset now, out BadRequest violations)
    {
        violations = new BadRequest();
        var v = violations;
        void Bad(string field, string reason) => v.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = reason });

        if (string.IsNullOrWhiteSpace(request.RequestId))
        {
            Bad("request_id", "is missing: name the Check request the finding came from");
        }

        if (string.IsNullOrWhiteSpace(request.RuleId))
        {
            Bad("rule_id", "is missing");
        }

        FeedbackKind kind = request.Kind switch
        {
            V1.FeedbackKind.Changed => FeedbackKind.Changed,
            V1.FeedbackKind.Overridden => FeedbackKind.Overridden,
            V1.FeedbackKind.Dismissed => FeedbackKind.Dismissed,
            _ => default,
        };
        if (kind == default)
        {
            Bad("kind", "is missing or unknown: set CHANGED, OVERRIDDEN or DISMISSED");
        }

        var reason = request.OverrideReason switch
        {
            V1.OverrideReason.Unspecified => OverrideReason.None,
            var known when Enum.IsDefined((OverrideReason)(int)known) => (OverrideReason)(int)known,
            _ => OverrideReason.None,
        };
        if (kind == FeedbackKind.Overridden && reason == OverrideReason.None)
        {
            Bad("override_reason", "is required when kind is OVERRIDDEN");
        }

        if (request.Comment.Length > MaxCommentLength)
        {
            Bad("comment", $"is longer than {MaxCommentLength} characters");
        }

        return violations.FieldViolations.Count > 0
            ? null
            : new Feedback(request.RequestId, request.RuleId, kind, reason, request.Comment, request.DoctorId, [.. request.LineIds], now);
    }
}
