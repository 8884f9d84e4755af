namespace SmartAudit.Redis;

internal static class RedisErrors
{
    /// <summary>The client's error without its long diagnostic tail (counters, thread-pool figures): what logs and health show.</summary>
    public static string Brief(Exception ex)
    {
        var message = ex.Message;
        var tail = message.IndexOf("; ", StringComparison.Ordinal);
        return tail < 0 ? message : message[..tail];
    }
}
