using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Fraud;
using SmartAudit.Fraud.Scoring;

namespace SmartAudit.Server.Fraud;

internal static class FraudModelExtensions
{
    /// <summary>
    /// The fraud model (section <c>Fraud</c>): loaded at start and on every change of its file, scoring
    /// through a pool of prediction engines, reported by the <c>fraud-model</c> health check. With
    /// <c>Fraud:Enabled=false</c> nothing is scored.
    /// </summary>
    public static IHostApplicationBuilder AddFraudModel(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FraudOptions>()
            .BindConfiguration(FraudOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ActiveFraudModel>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FraudOptions>>().Value;
            return new FraudPolicy
            {
                ScorePre = options.ScorePre,
                RemindThreshold = options.RemindThreshold,
                WarnThreshold = options.WarnThreshold,
                FlagThreshold = options.FlagThreshold,
            };
        });
        builder.Services.AddSingleton<IFraudScorer>(sp => sp.GetRequiredService<IOptions<FraudOptions>>().Value.Enabled
            ? new FraudScorer(sp.GetRequiredService<ActiveFraudModel>(), sp.GetRequiredService<FraudPolicy>())
            : NoFraudScorer.Instance);
        builder.Services.AddSingleton<FraudModelLoader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FraudModelLoader>());
        builder.Services.AddHealthChecks().AddCheck<FraudModelHealthCheck>("fraud-model", failureStatus: null, tags: [Core.Audit.HealthTags.Audit]);
        return builder;
    }
}

/// <summary>
/// Health detail of the fraud model: healthy with its version while it serves; degraded (still serving:
/// answers are then rules-only or use the previous model) with the reason when it could not be loaded.
/// </summary>
internal sealed class FraudModelHealthCheck(ActiveFraudModel active, IOptions<FraudOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("fraud scoring is off (Fraud:Enabled=false)"));
        }

        var model = active.Current;
        var problem = active.Problem;
        var data = new Dictionary<string, object>();
        if (model is not null)
        {
            data["modelVersion"] = model.Version;
        }

        if (problem is not null)
        {
            data["problem"] = problem;
        }

        return Task.FromResult((model, problem) switch
        {
            ({ } serving, null) => HealthCheckResult.Healthy($"fraud model {serving.Version}", data),
            ({ } serving, { } failed) => HealthCheckResult.Degraded($"fraud model {serving.Version} in service; the last reload failed: {failed}", data: data),
            _ => HealthCheckResult.Degraded($"no fraud model, answers are rules-only: {problem}", data: data),
        });
    }
}
