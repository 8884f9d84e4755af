using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Testing;

namespace SmartAudit.Kafka.Tests;

/// <summary>Builders for log records: a two-line order with one blocking and one silent finding by default.</summary>
public static class Records
{
    public static readonly DateTimeOffset DecidedAt = new(2026, 3, 10, 9, 30, 15, 250, TimeSpan.FromHours(8));

    public static Decision Decision(string requestId = "R0001", string patientId = "P0001")
    {
        var request = Orders.Request(
            Stage.Pre,
            Orders.Patient() with { Id = patientId },
            Orders.Encounter(),
            Orders.Line("XG04CBF036A001", "1", quantity: 28, unitPriceFen: 150),
            Orders.Line("110200001000000", "2", ItemKind.Service, unitPriceFen: 15000)) with { RequestId = requestId };
        Finding[] findings =
        [
            new("GZ-SEX-001", "SEX_RESTRICTION", Severity.Block, Certainty.Certain,
                "非那雄胺片限男性患者使用", "Finasteride tablets are for male patients only", ["1"]),
            new("GZ-PRC-002", "OVER_STANDARD_PRICE", Severity.Remind, Certainty.Suspected,
                "单价偏高", "Unit price above the usual range", ["2"], Silent: true),
        ];
        return new Decision(request, AuditAction.Block, findings, "2026.03.1+a1b2c3d4", ["history store unavailable"], 1234, DecidedAt);
    }

    public static Feedback Feedback(string requestId = "R0001") => new(
        requestId, "GZ-SEX-001", FeedbackKind.Overridden, OverrideReason.DocumentedIndication,
        "transgender patient, documented", "D001", ["1"], DecidedAt.AddMinutes(2));
}
