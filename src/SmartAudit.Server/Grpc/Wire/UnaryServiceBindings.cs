using Grpc.Core;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc.Wire;

/// <summary>
/// The report and status services bound like <see cref="AuditServiceBinding"/>: same routes and wire format as
/// the generated binders, with <see cref="WireMessages.Strict{T}"/> marshallers, so a request that does not
/// parse is INVALID_ARGUMENT saying why, not UNKNOWN with a stack trace in the log.
/// </summary>
internal static class ReportServiceBinding
{
    private static readonly Method<V1.ComplianceRequest, V1.ComplianceReport> Compliance = new(MethodType.Unary,
        V1.ReportService.Descriptor.FullName, nameof(Compliance), WireMessages.Strict(V1.ComplianceRequest.Parser), WireMessages.Strict(V1.ComplianceReport.Parser));

    /// <summary>Where server reflection looks for the service's descriptor.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => V1.ReportService.Descriptor;

    public static void BindService(ServiceBinderBase binder, V1.ReportService.ReportServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(Compliance, service is null ? null : new UnaryServerMethod<V1.ComplianceRequest, V1.ComplianceReport>(service.Compliance));
    }
}

/// <inheritdoc cref="ReportServiceBinding"/>
internal static class StatusServiceBinding
{
    private static readonly Method<V1.StatusRequest, V1.StatusReport> GetStatus = new(MethodType.Unary,
        V1.StatusService.Descriptor.FullName, nameof(GetStatus), WireMessages.Strict(V1.StatusRequest.Parser), WireMessages.Strict(V1.StatusReport.Parser));

    /// <summary>Where server reflection looks for the service's descriptor.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => V1.StatusService.Descriptor;

    public static void BindService(ServiceBinderBase binder, V1.StatusService.StatusServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(GetStatus, service is null ? null : new UnaryServerMethod<V1.StatusRequest, V1.StatusReport>(service.GetStatus));
    }
}
