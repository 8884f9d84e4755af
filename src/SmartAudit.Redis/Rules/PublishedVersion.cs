using System.Globalization;
using StackExchange.Redis;

namespace SmartAudit.Redis.Rules;

/// <summary>A bundle as the store knows it: what it is, who packed and published it, and when.</summary>
public sealed record PublishedVersion(
    string Id,
    string Version,
    string ContentHash,
    DateTimeOffset CreatedAt,
    string Author,
    DateTimeOffset PublishedAt,
    string PublishedBy,
    long Bytes)
{
    /// <summary>What responses report for it: semantic version + the first 8 hex digits of the hash.</summary>
    public string DisplayVersion => $"{Version}+{ContentHash[..8]}";

    /// <summary>
    /// Whether an operator's <paramref name="name"/> names this version: the display version
    /// (<c>0.2.0+1a2b3c4d</c>), the semantic version (<c>0.2.0</c>), or a prefix of at least 8 hex digits
    /// of the content hash.
    /// </summary>
    public bool IsNamedBy(string name) =>
        name == DisplayVersion || name == Version
        || (name.Length >= 8 && ContentHash.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    internal HashEntry[] ToHashEntries() =>
    [
        new("id", Id),
        new("version", Version),
        new("contentHash", ContentHash),
        new("createdAt", CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
        new("author", Author),
        new("publishedAt", PublishedAt.ToString("O", CultureInfo.InvariantCulture)),
        new("publishedBy", PublishedBy),
        new("bytes", Bytes),
    ];

    internal static PublishedVersion? FromHashEntries(HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        return new PublishedVersion(
            fields["id"],
            fields["version"],
            fields["contentHash"],
            DateTimeOffset.Parse(fields["createdAt"], CultureInfo.InvariantCulture),
            fields["author"],
            DateTimeOffset.Parse(fields["publishedAt"], CultureInfo.InvariantCulture),
            fields["publishedBy"],
            long.Parse(fields["bytes"], CultureInfo.InvariantCulture));
    }
}

/// <summary>What publishing a bundle did.</summary>
public enum PublishOutcome
{
    /// <summary>Stored: the bundle was new.</summary>
    Published,

    /// <summary>The same content was already published: nothing changed.</summary>
    AlreadyPublished,

    /// <summary>Refused: the same id and semantic version were published before with other content.</summary>
    VersionConflict,
}

/// <summary>The outcome of a publication and the content hash that holds the id and version now.</summary>
public sealed record PublishResult(PublishOutcome Outcome, string ContentHash);

/// <summary>An environment's active version and the versions activated before it, newest first.</summary>
public sealed record EnvironmentState(string Environment, string? ActiveHash, IReadOnlyList<string> Activations);
