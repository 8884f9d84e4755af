using Microsoft.ML.Data;
using SmartAudit.Fraud.Features;

namespace SmartAudit.Fraud.Scoring;

/// <summary>One row the model reads: the feature vector and, for training, the label.</summary>
public sealed class FraudInput
{
    [VectorType(FraudFeatures.Count)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

/// <summary>What the model writes: the calibrated probability and each feature's contribution to the raw score.</summary>
public sealed class FraudOutput
{
    public float Score { get; set; }

    public float Probability { get; set; }

    public float[] FeatureContributions { get; set; } = [];
}

/// <summary>The probability alone, for scoring many rows without contributions.</summary>
internal sealed class ProbabilityOutput
{
    public float Probability { get; set; }
}
