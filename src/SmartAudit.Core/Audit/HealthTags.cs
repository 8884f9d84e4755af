namespace SmartAudit.Core.Audit;

/// <summary>Tags on the host's health checks, which decide which grpc.health.v1 service names they count for.</summary>
public static class HealthTags
{
    /// <summary>
    /// The audit (Check, CheckStream) depends on this component: unhealthy, it makes
    /// <c>smartaudit.v1.AuditService</c> NOT_SERVING. Components without it count only for the whole server ("").
    /// </summary>
    public const string Audit = "audit";
}
