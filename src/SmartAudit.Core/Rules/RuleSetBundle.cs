using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartAudit.Core.Rules;

/// <summary>
/// A published rule-set version: every file of the set with the manifest's id and semantic version, the
/// content hash of the files, when and by whom it was packed. Stored as gzip-compressed JSON
/// (<c>smartaudit.ruleset-bundle.v1</c>): one self-contained blob that a store (a file, a shared cache) keeps and
/// any server can compile. Opening a bundle checks its size, its members and its hash, so a damaged, edited or
/// hostile bundle is refused with <see cref="InvalidRuleSetBundleException"/>, never with another exception.
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

    /// <summary>Reads a bundle within <see cref="BundleLimits.Default"/> and checks it (see the other overload).</summary>
    /// <exception cref="InvalidRuleSetBundleException">The bytes are not a sound bundle.</exception>
    public static RuleSetBundle FromBytes(ReadOnlySpan<byte> bytes) => FromBytes(bytes, BundleLimits.Default);

    /// <summary>
    /// Reads a bundle and checks it: within <paramref name="limits"/> packed and unpacked, of format
    /// <see cref="FormatV1"/>, every member present, every file with a path and content (each path once), and
    /// the files hashing to the recorded content hash.
    /// </summary>
    /// <exception cref="InvalidRuleSetBundleException">The bytes are not a sound bundle; every reason found is listed.</exception>
    public static RuleSetBundle FromBytes(ReadOnlySpan<byte> bytes, BundleLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (bytes.Length > limits.MaxPackedBytes)
        {
            throw new InvalidRuleSetBundleException(
                $"the bundle is {BundleLimits.Describe(bytes.Length)} packed, over the limit of {BundleLimits.Describe(limits.MaxPackedBytes)}");
        }

        RuleSetBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize(Unpack(bytes, limits.MaxUnpackedBytes), BundleJsonContext.Default.RuleSetBundle);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidDataException)
        {
            throw new InvalidRuleSetBundleException($"not a rule-set bundle: {ex.Message}", ex);
        }

        if (bundle is null || bundle.Format != FormatV1)
        {
            throw new InvalidRuleSetBundleException($"not a rule-set bundle of format {FormatV1} (found '{bundle?.Format}')");
        }

        if (bundle.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidRuleSetBundleException(problems);
        }

        var actual = RuleSetCompiler.ContentHash(bundle.ToSource());
        if (actual != bundle.ContentHash)
        {
            throw new InvalidRuleSetBundleException($"bundle {bundle.Id} {bundle.Version} is damaged or was edited: its files hash to {actual[..8]}, not {bundle.ContentHash[..8]}");
        }

        return bundle;
    }

    /// <summary>
    /// Reads, checks and compiles a bundle: what a server does before it runs one, and what activating one must
    /// check (see <see cref="Compile"/>).
    /// </summary>
    /// <exception cref="InvalidRuleSetBundleException">Not a sound bundle, or its rules do not compile (each problem listed).</exception>
    public static (RuleSetBundle Bundle, RuleSet RuleSet) Open(ReadOnlySpan<byte> bytes, BundleLimits limits)
    {
        var bundle = FromBytes(bytes, limits);
        return (bundle, bundle.Compile());
    }

    /// <summary>
    /// Compiles the bundle's files (read with <see cref="FromBytes(ReadOnlySpan{byte}, BundleLimits)"/>). The set
    /// must be the one the bundle says it is: its manifest's id and version are the bundle's.
    /// </summary>
    /// <exception cref="InvalidRuleSetBundleException">The rules do not compile (each problem listed), or they are another set.</exception>
    public RuleSet Compile()
    {
        var compilation = RuleSetCompiler.Compile(ToSource());
        if (compilation.RuleSet is not { } ruleSet)
        {
            throw new InvalidRuleSetBundleException([.. compilation.Problems.Select(p => p.ToString())]);
        }

        if (ruleSet.Id != Id || ruleSet.SemanticVersion != Version)
        {
            throw new InvalidRuleSetBundleException(
                $"the bundle says {Id} {Version} but its {RuleSetSource.ManifestPath} says {ruleSet.Id} {ruleSet.SemanticVersion}");
        }

        return ruleSet;
    }

    /// <summary>
    /// The JSON inside the gzip, refused as soon as it grows past <paramref name="maxBytes"/>: a bomb is never
    /// expanded beyond the limit.
    /// </summary>
    private static byte[] Unpack(ReadOnlySpan<byte> packed, long maxBytes)
    {
        using var gzip = new GZipStream(new MemoryStream(packed.ToArray()), CompressionMode.Decompress);
        using var json = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            if (json.Length + read > maxBytes)
            {
                throw new InvalidRuleSetBundleException($"the bundle unpacks to more than {BundleLimits.Describe(maxBytes)}, the limit");
            }

            json.Write(buffer, 0, read);
        }

        return json.ToArray();
    }

    /// <summary>
    /// What is missing or malformed in a deserialized bundle. The serializer leaves a missing or null member
    /// null whatever the declared type says, so nothing here may be trusted before it is checked.
    /// </summary>
    private List<string> Problems()
    {
        var problems = new List<string>();
        void Require(string? value, string member)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"the bundle's \"{member}\" is missing or empty");
            }
        }

        Require(Id, "id");
        Require(Version, "version");
        Require(Author, "author");
        if (ContentHash is null || ContentHash.Length != 64 || !ContentHash.All(char.IsAsciiHexDigitLower))
        {
            problems.Add($"the bundle's \"contentHash\" is {(ContentHash is null ? "missing" : $"not a SHA-256 in lower-case hex ('{Truncate(ContentHash)}')")}");
        }

        if (CreatedAt == default)
        {
            problems.Add("the bundle's \"createdAt\" is missing");
        }

        if (Files is null)
        {
            problems.Add("the bundle's \"files\" is missing");
            return problems;
        }

        if (Files.Count == 0)
        {
            problems.Add("the bundle's \"files\" is empty");
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Files.Count; i++)
        {
            var file = Files[i];
            if (file is null)
            {
                problems.Add($"files[{i}] is null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(file.Path))
            {
                problems.Add($"files[{i}] has no \"path\"");
            }
            else if (!paths.Add(file.Path))
            {
                problems.Add($"files[{i}]: {Truncate(file.Path)} appears more than once");
            }

            if (file.Content is null)
            {
                problems.Add($"files[{i}] ({Truncate(file.Path ?? "no path")}) has no \"content\"");
            }
        }

        return problems;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RuleSetBundle))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
