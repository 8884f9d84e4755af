using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka;

/// <summary>Composition of the Kafka decision log, one call from the host.</summary>
public static class KafkaDecisionLogExtensions
{
    /// <summary>
    /// The Kafka decision log (section <c>Kafka</c>) as the host's <see cref="IDecisionLog"/>, started and
    /// stopped (flushed) with the host. Bad options stop start-up with the option named.
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
        return builder;
    }
}
