using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SmartAudit.Core.Rules;

namespace SmartAudit.Testing;

/// <summary>
/// Bundles damaged the ways a store, a disk or a careless tool can damage them: members removed or nulled in
/// the JSON (then gzipped again, so the damage reaches the decoder), a gzip bomb, bytes stored under a hash
/// that is not theirs. Tests feed them to everything that opens bundles.
/// </summary>
public static class BundleDamage
{
    /// <summary>The kinds the reload and start-up tests publish, by name (for <c>[Theory]</c> data).</summary>
    public static byte[] Named(string kind, byte[] sound) => kind switch
    {
        "no-files" => Edit(sound, bundle => bundle.Remove("files")),
        "null-files" => Edit(sound, bundle => bundle["files"] = null),
        "null-file-entry" => Edit(sound, bundle => bundle["files"]!.AsArray()[0] = null),
        "null-file-content" => Edit(sound, bundle => bundle["files"]!.AsArray()[0]!.AsObject()["content"] = null),
        "no-content-hash" => Edit(sound, bundle => bundle.Remove("contentHash")),
        "short-content-hash" => Edit(sound, bundle => bundle["contentHash"] = "abc"),
        "gzip-bomb" => GzipBomb(1L << 30),
        "not-gzip" => "hello"u8.ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such damage"),
    };

    /// <summary>The JSON inside a bundle.</summary>
    public static byte[] Unzip(byte[] bundle)
    {
        using var gzip = new GZipStream(new MemoryStream(bundle), CompressionMode.Decompress);
        using var json = new MemoryStream();
        gzip.CopyTo(json);
        return json.ToArray();
    }

    public static byte[] Gzip(byte[] json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(json);
        }

        return buffer.ToArray();
    }

    /// <summary>Unzips, edits the JSON object and zips again: the bytes are gzip, the JSON parses, the damage is in the members.</summary>
    public static byte[] Edit(byte[] bundle, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(Unzip(bundle))!.AsObject();
        edit(root);
        return Gzip(Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    /// <summary>
    /// Sets the bundle's content hash to what its files hash to, as a tool that re-packs without compiling
    /// would: damage to a file's content then passes the hash check and reaches the compiler. Leaves the hash
    /// alone when the files are not all there to hash.
    /// </summary>
    public static void Rehash(JsonObject bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (bundle["files"] is not JsonArray files)
        {
            return;
        }

        var sources = new List<SourceFile>();
        foreach (var file in files)
        {
            if (file is not JsonObject entry || entry["path"]?.GetValueKind() != System.Text.Json.JsonValueKind.String
                || entry["content"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                return;
            }

            sources.Add(new SourceFile(entry["path"]!.GetValue<string>(), entry["content"]!.GetValue<string>()));
        }

        bundle["contentHash"] = RuleSetCompiler.ContentHash(new RuleSetSource(sources));
    }

    /// <summary>
    /// Gzip that expands to <paramref name="expandedBytes"/> of JSON whitespace: one member of 1 MiB, repeated
    /// (a gzip reader reads concatenated members as one stream), so 1 GiB takes about 1 MiB to store.
    /// </summary>
    public static byte[] GzipBomb(long expandedBytes)
    {
        var member = Gzip(Encoding.ASCII.GetBytes(new string(' ', 1 << 20)));
        var count = (int)(expandedBytes >> 20);
        var bomb = new byte[member.Length * count];
        for (var i = 0; i < count; i++)
        {
            member.CopyTo(bomb, i * member.Length);
        }

        return bomb;
    }

    /// <summary>
    /// Metadata to publish <paramref name="bytes"/> under, as if a sound bundle: the sound bundle's, with another
    /// semantic version and a content hash of its own (the SHA-256 of the bytes), so the store keeps it apart.
    /// </summary>
    public static RuleSetBundle Posing(RuleSetBundle sound, string semanticVersion, byte[] bytes) =>
        sound with { Version = semanticVersion, ContentHash = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
}
