using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Audit;
using SmartAudit.Server.Rules;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Monitoring;

/// <summary>
/// Health, through three documented channels (docs/reliability.md, "Health"):
/// <list type="bullet">
/// <item>grpc.health.v1 for probes and load balancers: "" is the whole server, <c>smartaudit.v1.AuditService</c>
/// what the audit needs (checks tagged <see cref="HealthTags.Audit"/>), and each component by its check's name.
/// NOT_SERVING where a component cannot do its job (no rule set at all); a degraded one stays SERVING.</item>
/// <item><c>smartaudit.v1.StatusService/GetStatus</c>: every component's state, description and figures.</item>
/// <item>The log and metrics: a line whenever a component changes state (<see cref="HealthTransitions"/>), and the
/// gauge <c>smartaudit.health.state</c> per component.</item>
/// </list>
/// </summary>
internal static class ServerHealthExtensions
{
    public static IHostApplicationBuilder AddServerHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpcHealthChecks()
            .AddCheck<RuleSetHealthCheck>("rules", failureStatus: null, tags: [HealthTags.Audit]);
        builder.Services.AddOptions<GrpcHealthChecksOptions>().Configure<IOptions<HealthCheckServiceOptions>>((grpc, checks) =>
        {
            grpc.Services.Map("", _ => true);
            grpc.Services.Map(V1.AuditService.Descriptor.FullName, check => check.Tags.Contains(HealthTags.Audit));
            foreach (var name in checks.Value.Registrations.Select(r => r.Name))
            {
                grpc.Services.Map(name, check => check.Name == name);
            }
        });
        builder.Services.AddSingleton<HealthTransitions>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<HealthTransitions>());
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(1);
            o.Period = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    public static WebApplication MapServerHealth(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapGrpcService<StatusGrpcService>();
        return app;
    }
}
