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

    /// <summary>
    /// Serve gRPC server reflection (what <c>grpcurl list</c> reads). Default: on in the embedded default (no Redis,
    /// no Kafka, loopback only) and in the Development environment, off elsewhere.
    /// </summary>
    public bool? Reflection { get; set; }

    /// <summary>Largest request message in bytes. Default 4 MiB; past it gRPC answers RESOURCE_EXHAUSTED.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Offset from UTC of the fund's local calendar, which turns a line's ordered-at instant into its
    /// service date. Default "08:00" (China Standard Time, no daylight saving).
    /// </summary>
    [RegularExpression(@"^-?\d{2}:\d{2}$")]
    public string UtcOffset { get; set; } = "08:00";

    /// <summary>
    /// The plausible range of every number and date in a request (section <c>Audit:Bounds</c>); outside it the
    /// request is INVALID_ARGUMENT naming the field and the range. Defaults: quantity ≤ 100,000, unit price and
    /// amount ≤ 10^10 fen, daily dose ≤ 10^6, days of supply ≤ 366, service dates 2000-01-01 to 2099-12-31,
    /// birth dates 1900-01-01 to today.
    /// </summary>
    public SmartAudit.Contracts.Mapping.RequestBounds Bounds { get; set; } = new();

    /// <summary>
    /// When the server stops, how long a CheckStream waits for its client's next request before it stops reading,
    /// answers what it read and ends UNAVAILABLE. Default 250 ms: requests already on the wire are read, not lost, even on a busy machine.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StreamDrainIdle { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>When the server stops, the longest a CheckStream keeps reading a client that keeps sending. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StreamDrainLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When the server stops, the longest it waits for open streams to answer what they read and end, before the
    /// web server closes what is left. Default 10 s (the host's shutdown timeout is this plus 5 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Worker threads the thread pool starts with. Default 0, meaning 8 per core: a burst of requests at start-up
    /// (a HIS reconnecting every department at once) otherwise waits for the pool to grow one thread at a time,
    /// about two a second, while each request's 20 ms history budget runs out and answers come back degraded.
    /// </summary>
    [Range(0, 4096)]
    public int MinWorkerThreads { get; set; }

    public TimeSpan Offset => TimeSpan.Parse(UtcOffset.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);
}
