namespace SmartAudit.Core.Rules;

/// <summary>
/// How large a rule-set bundle may be, as stored (gzip) and once unpacked (its JSON). A bundle over either is
/// refused before it is read further, so a damaged or hostile bundle (a gzip bomb: a few megabytes that unpack
/// to gigabytes) costs at most the limit in memory. The shipped national rule set (7 MiB of files) packs to
/// about 1 MiB; the defaults leave several times that room.
/// </summary>
/// <param name="MaxPackedBytes">Largest bundle as stored. Default <see cref="DefaultMaxPackedBytes"/> (16 MiB).</param>
/// <param name="MaxUnpackedBytes">Largest JSON a bundle may unpack to. Default <see cref="DefaultMaxUnpackedBytes"/> (64 MiB).</param>
public sealed record BundleLimits(long MaxPackedBytes, long MaxUnpackedBytes)
{
    public const long DefaultMaxPackedBytes = 16L << 20;

    public const long DefaultMaxUnpackedBytes = 64L << 20;

    public static BundleLimits Default { get; } = new(DefaultMaxPackedBytes, DefaultMaxUnpackedBytes);

    /// <summary>A byte count as operators read it (<c>64 MiB</c>, <c>12.5 KiB</c>).</summary>
    internal static string Describe(long bytes) => bytes switch
    {
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
