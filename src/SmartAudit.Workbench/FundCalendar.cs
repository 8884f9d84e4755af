using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SmartAudit.Workbench;

/// <summary>
/// The fund's local calendar for the workbench's days (queues, figures, exports): the audit's own setting,
/// <c>Audit:UtcOffset</c> (default 08:00), read here so the workbench does not depend on the audit host.
/// </summary>
public sealed record FundCalendar(TimeSpan Offset)
{
    public static FundCalendar From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration["Audit:UtcOffset"] ?? "08:00";
        return TimeSpan.TryParse(text.TrimStart('+'), CultureInfo.InvariantCulture, out var offset)
            ? new FundCalendar(offset)
            : throw new InvalidOperationException($"Audit:UtcOffset '{text}' is not an offset such as 08:00");
    }
}
