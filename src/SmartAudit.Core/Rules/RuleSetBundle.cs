using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartAudit.Core.Rules;

/// <summary>
/// A published rule-set version: every file of the set with the manifest's id and semantic version, the
/// content hash of the files, when and by whom it was packed. Stored as gzip-compressed JSON
/// (<c>smartaudit.ruleset-bundle.v1</c>): one self-contained blob that a store (a file, a shared cache) keeps and
/// any server can compile. Opening a bundle checks its hash, so a damaged or edited bundle is refused.
/// </summary>
public sealed record RuleSetBundle(
    string Format,
    string Id,
    string Version,
    string ContentHash,
    DateTimeOffset CreatedAt,
    string Author,
    IReadOnlyList<SourceFile> Files)
{
    public const string FormatV1 = "smartaudit.ruleset-bundle.v1";

    /// <summary>The version every response reports for this bundle: semantic version + 8 hex digits of the hash.</summary>
    public string DisplayVersion => $"{Version}+{ContentHash[..8]}";

    /// <summary>Packs a compiled set's source. The set must be the compilation of <paramref name="source"/>.</summary>
    public static RuleSetBundle Pack(RuleSetSource source, RuleSet compiled, string author, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(compiled);
        return new RuleSetBundle(FormatV1, compiled.Id, compiled.SemanticVersion, compiled.ContentHash, createdAt, author,
            [.. source.Files.OrderBy(f => f.Path, StringComparer.Ordinal)]);
    }

    public RuleSetSource ToSource() => new(Files);

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            JsonSerializer.Serialize(gzip, this, BundleJsonContext.Default.RuleSetBundle);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a bundle and checks that its files still hash to the recorded content hash.</summary>
    /// <exception cref="InvalidDataException">Not a bundle, an unknown format, or the hash does not match.</exception>
    public static RuleSetBundle FromBytes(ReadOnlySpan<byte> bytes)
    {
        RuleSetBundle? bundle;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes.ToArray()), CompressionMode.Decompress);
            bundle = JsonSerializer.Deserialize(gzip, BundleJsonContext.Default.RuleSetBundle);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"not a rule-set bundle: {ex.Message}", ex);
        }

        if (bundle is null || bundle.Format != FormatV1)
        {
            throw new InvalidDataException($"not a rule-set bundle of format {FormatV1} (found '{bundle?.Format}')");
        }

        var actual = RuleSetCompiler.ContentHash(bundle.ToSource());
        if (actual != bundle.ContentHash)
        {
            throw new InvalidDataException($"bundle {bundle.Id} {bundle.Version} is damaged or was edited: its files hash to {actual[..8]}, not {bundle.ContentHash[..8]}");
        }

        return bundle;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RuleSetBundle))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
