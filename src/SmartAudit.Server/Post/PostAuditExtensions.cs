using SmartAudit.Kafka;
using SmartAudit.Kafka.Post;

namespace SmartAudit.Server.Post;

internal static class PostAuditExtensions
{
    /// <summary>
    /// With <c>AuditWorker:Enabled</c>, the POST-stage audit worker runs in this server beside the gRPC service,
    /// on the Kafka cluster of the decision log (so <c>Kafka:BootstrapServers</c> must be set). Otherwise nothing.
    /// </summary>
    public static IHostApplicationBuilder AddPostAuditWorker(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>($"{AuditWorkerOptions.SectionName}:{nameof(AuditWorkerOptions.Enabled)}"))
        {
            return builder;
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"]))
        {
            throw new InvalidOperationException("AuditWorker:Enabled needs Kafka:BootstrapServers: the worker consumes settled claims from Kafka");
        }

        return builder.AddKafkaAuditWorker();
    }
}
