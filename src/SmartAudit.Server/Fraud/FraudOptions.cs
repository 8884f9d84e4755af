using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Server.Fraud;

/// <summary>The fraud model: which file, which stages, which thresholds. Section <c>Fraud</c>.</summary>
public sealed class FraudOptions
{
    public const string SectionName = "Fraud";

    /// <summary>Score requests with the fraud model at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The model file (a zip written by <c>smartaudit model train</c>). Default: null, meaning
    /// <c>models/fraud.zip</c> found from the working directory upwards (the repository's shipped model).
    /// The file is watched: writing a new model there swaps it in without a restart.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>Score PRE orders too. Default false: the model is trained on settled claims, and a PRE order is a part of one.</summary>
    public bool ScorePre { get; set; }

    /// <summary>PRE/MID: a score at or above it is a REMIND. Default null: the model's own suggestion (its top 5% of held-out claims).</summary>
    [Range(0.0, 1.0)]
    public double? RemindThreshold { get; set; }

    /// <summary>PRE/MID: a score at or above it is a WARN. Default null: the model's own suggestion (its top 1%).</summary>
    [Range(0.0, 1.0)]
    public double? WarnThreshold { get; set; }

    /// <summary>POST: a score at or above it flags the claim for review (a WARN). Default null: the model's top-5% suggestion.</summary>
    [Range(0.0, 1.0)]
    public double? FlagThreshold { get; set; }
}
