using SmartAudit.Core.Decisions;
using SmartAudit.Embedded.Decisions;
using SmartAudit.Kafka;

namespace SmartAudit.Server.Decisions;

internal static class DecisionLogExtensions
{
    /// <summary>
    /// Kafka when <c>Kafka:BootstrapServers</c> is set (section <c>Kafka</c>); otherwise the embedded
    /// JSON-lines log, so the server runs with no Kafka at all.
    /// </summary>
    public static IHostApplicationBuilder AddDecisionLog(this IHostApplicationBuilder builder) =>
        string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"])
            ? builder.AddEmbeddedDecisionLog()
            : builder.AddKafkaDecisionLog();

    /// <summary>The embedded decision log: JSON lines appended to a local file (section <c>DecisionLog</c>).</summary>
    public static IHostApplicationBuilder AddEmbeddedDecisionLog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DecisionLogOptions>()
            .BindConfiguration(DecisionLogOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<JsonLinesDecisionLog>();
        builder.Services.AddSingleton<IDecisionLog>(sp => sp.GetRequiredService<JsonLinesDecisionLog>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JsonLinesDecisionLog>());
        return builder;
    }
}
