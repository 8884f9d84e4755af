namespace SmartAudit.Workbench.Tests;

/// <summary>Waiting for what a background part (an intake, a feed) does by itself.</summary>
internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it holds; on timeout, says what was awaited (worked out then, with the latest figures).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what()}");
            }

            await Task.Delay(50);
        }
    }
}
