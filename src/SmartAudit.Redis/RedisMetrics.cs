namespace SmartAudit.Redis;

/// <summary>The meter the Redis adapters report on (rule-set loads, history reads).</summary>
public static class RedisMetrics
{
    public const string MeterName = "SmartAudit.Redis";
}
