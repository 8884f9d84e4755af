using Grpc.Core;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc.Wire;

/// <summary>
/// Binds <see cref="AuditGrpcService"/> to the routes of <c>smartaudit.v1.AuditService</c> as the generated
/// <c>BindService</c> does, with the same method names and wire format, but with <see cref="WireMessages"/>'
/// marshallers: a message that does not parse is INVALID_ARGUMENT on a unary call and an in-band error on
/// CheckStream, instead of UNKNOWN. The service names this binder in its <c>[BindServiceMethod]</c>, which
/// takes precedence over the generated base class's.
/// </summary>
internal static class AuditServiceBinding
{
    private static readonly string Service = V1.AuditService.Descriptor.FullName;
    private static readonly Marshaller<V1.CheckResponse> CheckResponses = WireMessages.Strict(V1.CheckResponse.Parser);
    private static readonly Marshaller<V1.PingRequest> Pings = WireMessages.Strict(V1.PingRequest.Parser);
    private static readonly Marshaller<V1.PingResponse> PingResponses = WireMessages.Strict(V1.PingResponse.Parser);

    private static readonly Method<V1.CheckRequest, V1.CheckResponse> Check =
        new(MethodType.Unary, Service, nameof(Check), WireMessages.Strict(V1.CheckRequest.Parser), CheckResponses);

    private static readonly Method<V1.CheckRequest, V1.CheckResponse> CheckStream =
        new(MethodType.DuplexStreaming, Service, nameof(CheckStream), WireMessages.Tolerant(V1.CheckRequest.Parser), CheckResponses);

    private static readonly Method<V1.FeedbackRequest, V1.FeedbackResponse> RecordFeedback =
        new(MethodType.Unary, Service, nameof(RecordFeedback), WireMessages.Strict(V1.FeedbackRequest.Parser), WireMessages.Strict(V1.FeedbackResponse.Parser));

    private static readonly Method<V1.PingRequest, V1.PingResponse> Ping = new(MethodType.Unary, Service, nameof(Ping), Pings, PingResponses);

    private static readonly Method<V1.PingRequest, V1.PingResponse> PingStream = new(MethodType.DuplexStreaming, Service, nameof(PingStream), Pings, PingResponses);

    /// <summary>The service's descriptor, where server reflection looks for it: beside the bind method.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => V1.AuditService.Descriptor;

    /// <summary>
    /// Called by gRPC's method discovery with a null service. The service parameter is the generated base class,
    /// as in the generated binder: gRPC looks for the implementation's overrides of that class's methods.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, V1.AuditService.AuditServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(Check, service is null ? null : new UnaryServerMethod<V1.CheckRequest, V1.CheckResponse>(service.Check));
        binder.AddMethod(CheckStream, service is null ? null : new DuplexStreamingServerMethod<V1.CheckRequest, V1.CheckResponse>(service.CheckStream));
        binder.AddMethod(RecordFeedback, service is null ? null : new UnaryServerMethod<V1.FeedbackRequest, V1.FeedbackResponse>(service.RecordFeedback));
        binder.AddMethod(Ping, service is null ? null : new UnaryServerMethod<V1.PingRequest, V1.PingResponse>(service.Ping));
        binder.AddMethod(PingStream, service is null ? null : new DuplexStreamingServerMethod<V1.PingRequest, V1.PingResponse>(service.PingStream));
    }
}
