using SmartAudit.Core.Decisions;
using SmartAudit.Embedded.Decisions;

namespace SmartAudit.Server.Decisions;

internal static class DecisionLogExtensions
{
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
