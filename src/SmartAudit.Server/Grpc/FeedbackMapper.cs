using Google.Rpc;
using SmartAudit.Core.Decisions;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc;

/// <summary>Checks and maps a doctor's feedback on a finding.</summary>
internal static class FeedbackMapper
{
    private const int MaxCommentLength = 500;

    /// <summary>The longest id a Check request may carry (request, line, doctor): longer ones were never issued.</summary>
    private const int MaxIdLength = 64;

    /// <summary>Lines one piece of feedback may name: as many as a request may carry.</summary>
    private const int MaxLineIds = 1000;

    public static Feedback? TryMap(V1.FeedbackRequest request, DateTimeOffset now, out BadRequest violations)
    {
        violations = new BadRequest();
        var v = violations;
        void Bad(string field, string reason) => v.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = reason });
        void Id(string value, string field)
        {
            if (value.Length > MaxIdLength)
            {
                Bad(field, $"is {value.Length} characters long: at most {MaxIdLength}");
            }
        }

        if (string.IsNullOrWhiteSpace(request.RequestId))
        {
            Bad("request_id", "is missing: name the Check request the finding came from");
        }

        if (string.IsNullOrWhiteSpace(request.RuleId))
        {
            Bad("rule_id", "is missing");
        }

        Id(request.RequestId, "request_id");
        Id(request.RuleId, "rule_id");
        Id(request.DoctorId, "doctor_id");
        if (request.LineIds.Count > MaxLineIds)
        {
            Bad("line_ids", $"names {request.LineIds.Count} lines: at most {MaxLineIds}");
        }
        else
        {
            for (var i = 0; i < request.LineIds.Count; i++)
            {
                Id(request.LineIds[i], $"line_ids[{i}]");
            }
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
