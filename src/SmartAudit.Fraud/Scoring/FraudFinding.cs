namespace SmartAudit.Fraud.Scoring;

/// <summary>The finding a fraud score above the thresholds becomes.</summary>
public static class FraudFinding
{
    /// <summary>The rule id of model findings, as the contract documents it.</summary>
    public const string RuleId = "MODEL";

    public const string Category = "FRAUD_RISK";
}
