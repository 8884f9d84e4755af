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
        builder.Services.AddGrpcReflection();
        builder.AddServerHealth();
        return builder;
    }

    public static WebApplication MapAuditGrpc(this WebApplication app)
    {
        app.UseGrpcFrameGuard(); // a broken message frame is INVALID_ARGUMENT, not UNKNOWN
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<Reports.ComplianceGrpcService>();
        app.MapServerHealth();
        app.MapGrpcReflectionService();
        return app;
    }
}
