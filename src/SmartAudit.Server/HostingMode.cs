using System.Net;

namespace SmartAudit.Server;

/// <summary>
/// "Embedded" as docs/DESIGN-NOTES define it: no <c>Redis:Configuration</c>, no <c>Kafka:BootstrapServers</c>, and every
/// listener on a loopback address. Anything else is production, where conveniences for a newcomer (server
/// reflection, say) are off unless configured on.
/// </summary>
internal static class HostingMode
{
    public static bool IsEmbedded(IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]) || !string.IsNullOrWhiteSpace(configuration["Kafka:BootstrapServers"]))
        {
            return false;
        }

        var urls = (configuration["urls"] ?? "http://127.0.0.1:5080")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configuration.GetValue<bool>("Workbench:Enabled"))
        {
            urls = [.. urls, .. (configuration["Workbench:Urls"] ?? "http://127.0.0.1:5081").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return urls.All(IsLoopback);
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
