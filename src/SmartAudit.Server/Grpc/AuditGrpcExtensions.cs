using Microsoft.Extensions.Options;
using SmartAudit.Server.Grpc.Wire;
using SmartAudit.Server.Monitoring;

namespace SmartAudit.Server.Grpc;

internal static class AuditGrpcExtensions
{
    /// <summary>The gRPC endpoint: the audit and report services, health (grpc.health.v1 and the status detail) and server reflection.</summary>
    public static IHostApplicationBuilder AddAuditGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<AuditOptions>>((grpc, audit) =>
            {
                grpc.MaxReceiveMessageSize = audit.Value.MaxMessageBytes;
                grpc.EnableDetailedErrors = false; // never an exception trace on the wire
                grpc.CompressionProviders.Clear(); // gRPC's gzip expands a message without a limit
                grpc.CompressionProviders.Add(new Wire.CappedGzipProvider(audit.Value.MaxMessageBytes));
            });
        builder.Services.AddSingleton<OpenStreams>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OpenStreams>()); // waits for streams before the web server stops
        if (ReflectionOn(builder))
        {
            builder.Services.AddGrpcReflection();
            builder.Services.AddSingleton<ReflectionMarker>();
        }

        builder.AddServerHealth();
        return builder;
    }

    /// <summary>
    /// Server reflection (<c>grpcurl list</c>) tells anyone who can connect every method and message: on in the
    /// embedded default and in Development, off elsewhere unless <c>Audit:Reflection=true</c>.
    /// </summary>
    private static bool ReflectionOn(IHostApplicationBuilder builder) =>
        builder.Configuration.GetValue<bool?>($"{AuditOptions.SectionName}:Reflection")
        ?? (builder.Environment.IsDevelopment() || HostingMode.IsEmbedded(builder.Configuration));

    public static WebApplication MapAuditGrpc(this WebApplication app)
    {
        app.UseGrpcFrameGuard(); // a broken message frame is INVALID_ARGUMENT, not UNKNOWN
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<Reports.ComplianceGrpcService>();
        app.MapServerHealth();
        if (app.Services.GetService<ReflectionMarker>() is not null) // not the service itself: resolved now, it would list no service
        {
            app.MapGrpcReflectionService();
        }

        return app;
    }

    private sealed class ReflectionMarker;
}
