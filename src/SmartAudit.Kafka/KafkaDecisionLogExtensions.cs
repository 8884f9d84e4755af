using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Kafka.Cases;

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
        builder.AddKafkaLog();
        builder.Services.AddSingleton<IDecisionLog>(sp => sp.GetRequiredService<KafkaDecisionLog>());
        builder.Services.AddSingleton<IDegradationSource>(sp => sp.GetRequiredService<KafkaDecisionLog>());
        builder.Services.AddSingleton<Compliance.ComplianceReader>(); // figures computed from the log's topics
        return builder;
    }

    /// <summary>
    /// The fraud team's decisions on record in Kafka (<see cref="KafkaCaseDecisionLog"/>, topic
    /// <c>Kafka:CaseDecisionsTopic</c>) as the host's <see cref="ICaseDecisionLog"/>. Shares the process's one
    /// <see cref="KafkaDecisionLog"/> (its producer, spool and <c>decision-log</c> health check) with
    /// <see cref="AddKafkaDecisionLog"/>, in whichever order the two are called.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaCaseDecisionLog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddKafkaLog();
        builder.Services.AddSingleton<KafkaCaseDecisionLog>();
        builder.Services.AddSingleton<ICaseDecisionLog>(sp => sp.GetRequiredService<KafkaCaseDecisionLog>());
        return builder;
    }

    /// <summary>The options and the one <see cref="KafkaDecisionLog"/> of the process, hosted and health-checked; once however often called.</summary>
    private static void AddKafkaLog(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(KafkaDecisionLog)))
        {
            return;
        }

        builder.Services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KafkaDecisionLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaDecisionLog>());
        builder.Services.AddHealthChecks().AddCheck<KafkaDecisionLogHealthCheck>("decision-log", failureStatus: null, tags: [Core.Audit.HealthTags.Audit]);
    }
}
