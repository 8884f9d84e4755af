using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka;

/// <summary>Composition of the Kafka decision log, one call from the host.</summary>
public static class KafkaDecisionLogExtensions
{
    /// <summary>
    /// The Kafka decision log (section <c>Kafka</c>) as the host's <see cref="IDecisionLog"/>, started and
    /// stopped (flushed) with the host, reporting its spooling as a degradation (<see cref="IDegradationSource"/>)
    /// and as a Degraded health check named <c>decision-log</c>; and the <see cref="Compliance.ComplianceReader"/>
    /// over its topics. Bad options stop start-up with the option named.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaDecisionLog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KafkaDecisionLog>();
        builder.Services.AddSingleton<IDecisionLog>(sp => sp.GetRequiredService<KafkaDecisionLog>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaDecisionLog>());
        builder.Services.AddSingleton<IDegradationSource>(sp => sp.GetRequiredService<KafkaDecisionLog>());
        builder.Services.AddHealthChecks().AddCheck<KafkaDecisionLogHealthCheck>("decision-log");
        builder.Services.AddSingleton<Compliance.ComplianceReader>(); // figures computed from the log's topics
        return builder;
    }
}
