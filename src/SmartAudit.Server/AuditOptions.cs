using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Server;

/// <summary>How the audit host evaluates requests. Section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Rule-set folder, or a bundle file packed by <c>smartaudit rules pack</c>, for the embedded default.
    /// Default: null, meaning the first <c>rules/</c> folder with a <c>ruleset.json</c> found from the
    /// working directory upwards (the repository's own).
    /// </summary>
    public string? RulesPath { get; set; }

    /// <summary>Most order lines one request may carry. Default 1,000; past it the request is INVALID_ARGUMENT.</summary>
    [Range(1, 100_000)]
    public int MaxLinesPerRequest { get; set; } = 1000;

    /// <summary>Largest request message in bytes. Default 4 MiB; past it gRPC answers RESOURCE_EXHAUSTED.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Offset from UTC of the fund's local calendar, which turns a line's ordered-at instant into its
    /// service date. Default "08:00" (China Standard Time, no daylight saving).
    /// </summary>
    [RegularExpression(@"^-?\d{2}:\d{2}$")]
    public string UtcOffset { get; set; } = "08:00";

    public TimeSpan Offset => TimeSpan.Parse(UtcOffset.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);
}
