using System.Globalization;
using StackExchange.Redis;

namespace SmartAudit.Redis;

/// <summary>
/// How this service talks to Redis: one configuration, built from <see cref="RedisOptions"/>, that never
/// blocks on an outage. Connecting does not fail when Redis is down (it keeps retrying in the background),
/// and commands fail fast while disconnected instead of queueing, so a caller is told at once and can
/// degrade within its latency budget.
/// </summary>
public static class RedisConnection
{
    /// <summary>Connects (or starts connecting) the one multiplexer a process shares.</summary>
    public static ConnectionMultiplexer Connect(RedisOptions options, string clientName)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ConnectionMultiplexer.Connect(ToConfiguration(options, clientName));
    }

    public static ConfigurationOptions ToConfiguration(RedisOptions options, string clientName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(FromUrl(options.Configuration));
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.ConnectRetry = 1;
        configuration.ClientName ??= clientName;
        // Reconnect quickly: the outage tests and the history store's recovery depend on it.
        configuration.ReconnectRetryPolicy = new LinearRetry(250);
        if (!options.DedicatedSocketThreads)
        {
            configuration.SocketManager = SocketManager.ThreadPool;
        }

        return configuration;
    }

    /// <summary>
    /// Turns <c>redis://[user][:password@]host[:port][/db]</c> (or <c>rediss://</c>, TLS) into a
    /// StackExchange.Redis configuration string; anything else is returned as it is.
    /// </summary>
    public static string FromUrl(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var trimmed = configuration.Trim();
        if (!trimmed.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            && !trimmed.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return trimmed;
        }

        var uri = new Uri(trimmed);
        var parts = new List<string> { uri.IsDefaultPort || uri.Port < 0 ? $"{uri.Host}:6379" : $"{uri.Host}:{uri.Port}" };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? string.Empty : uri.UserInfo[..colon]);
            var password = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[(colon + 1)..]);
            if (user.Length > 0)
            {
                parts.Add("user=" + user);
            }

            parts.Add("password=" + password);
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            parts.Add("defaultDatabase=" + int.Parse(path, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }

        if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
        {
            parts.Add("ssl=true");
        }

        return string.Join(',', parts);
    }
}
