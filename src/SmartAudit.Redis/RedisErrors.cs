namespace SmartAudit.Redis;

internal static class RedisErrors
{
    private const int MaxLength = 120;

    /// <summary>
    /// The client's error without its long diagnostic tail (connection state, counters, thread-pool figures):
    /// what logs, health and <c>degraded</c> reasons show.
    /// </summary>
    public static string Brief(Exception ex)
    {
        var message = ex.Message;
        var end = message.Length;
        foreach (var marker in new[] { "; ", " (", ", mc:", "\n" })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0 && at < end)
            {
                end = at;
            }
        }

        return end > MaxLength ? message[..MaxLength] + "…" : message[..end];
    }
}
