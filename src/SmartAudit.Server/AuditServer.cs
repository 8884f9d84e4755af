using SmartAudit.Server.Decisions;
using SmartAudit.Server.Demo;
using SmartAudit.Server.Fraud;
using SmartAudit.Server.Grpc;
using SmartAudit.Server.Post;
using SmartAudit.Server.Rules;
using SmartAudit.Workbench;

namespace SmartAudit.Server;

/// <summary>
/// Composition of the audit host, read top to bottom like the architecture: rules, decision log, POST worker, gRPC, workbench.
/// Tests and the benchmark build the same host with their own configuration.
/// </summary>
public static class AuditServer
{
    /// <param name="args">Command-line arguments; <c>--urls</c> and any <c>--Section:Key=value</c> apply.</param>
    /// <param name="configure">Last word on configuration and services, for tests and tools.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.AddRuleEngine();
        builder.AddFraudModel();
        builder.AddDecisionLog();
        builder.AddPostAuditWorker(); // AuditWorker:Enabled: the POST-stage batch audit in this process (needs Kafka)
        builder.AddAuditGrpc();
        builder.AddWorkbench(); // Workbench:Enabled: the fraud team's case review on its own HTTP/1.1 address
        builder.AddDemo();
        builder.Services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<AuditOptions>>(
            (host, audit) => host.ShutdownTimeout = audit.Value.ShutdownGrace + TimeSpan.FromSeconds(5));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseWorkbench();
        app.MapAuditGrpc();
        return app;
    }
}
