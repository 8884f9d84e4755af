using SmartAudit.Redis;
using StackExchange.Redis;

namespace SmartAudit.Cli.Store;

/// <summary>How the tool's commands reach Redis: at once or not at all, with a message for the operator, not for a programmer.</summary>
internal static class CliRedis
{
    /// <summary>
    /// Connects, failing at once when Redis cannot be reached (a command is not a server that waits for it).
    /// Returns null, having said why on <paramref name="stderr"/>, when it cannot. <c>Where</c> names the endpoints for messages.
    /// </summary>
    public static async Task<(ConnectionMultiplexer? Redis, string Where)> ConnectAsync(RedisOptions options, TextWriter stderr)
    {
        var configuration = RedisConnection.ToConfiguration(options, "smartaudit-cli");
        configuration.AbortOnConnectFail = true;
        var where = string.Join(',', configuration.EndPoints.Select(e => e.ToString()));
        try
        {
            return (await ConnectionMultiplexer.ConnectAsync(configuration), where);
        }
        catch (RedisConnectionException ex)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: cannot reach Redis at {where}: {FirstLine(ex.Message)}");
            return (null, where);
        }
    }

    /// <summary>The first line of a client error, without the client's own advice (abortConnect=false…), which is about writing code.</summary>
    public static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        var advice = line.IndexOf(" To allow this multiplexer", StringComparison.Ordinal);
        return advice < 0 ? line : line[..advice];
    }
}
