namespace SmartAudit.Redis.Rules;

/// <summary>
/// The last good bundles a server loaded from the store, kept on local disk so that the server can start
/// when Redis cannot be reached or its active version is refused. Two per environment, the newest and the
/// one before it, so that one damaged file still leaves a bundle to start from; each replaced atomically
/// (write, then rename) and checked like any bundle when read. A file that does not open is set aside as
/// <c>*.bad</c> (kept for whoever investigates, never read again).
/// </summary>
internal sealed class LocalBundleCache(string folder, string environment)
{
    public string FilePath { get; } = Path.GetFullPath(Path.Combine(folder, environment + ".ruleset.json.gz"));

    /// <summary>The bundle loaded before the newest one.</summary>
    public string PreviousPath { get; } = Path.GetFullPath(Path.Combine(folder, environment + ".previous.ruleset.json.gz"));

    /// <summary>Makes <paramref name="bundle"/> the newest; the newest until now becomes the previous one.</summary>
    public void Write(byte[] bundle)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        if (File.Exists(FilePath) && !File.ReadAllBytes(FilePath).AsSpan().SequenceEqual(bundle))
        {
            File.Move(FilePath, PreviousPath, overwrite: true);
        }

        var temporary = FilePath + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bundle);
        File.Move(temporary, FilePath, overwrite: true);
    }

    /// <summary>The cached files to try at start-up, newest first.</summary>
    public IEnumerable<string> Candidates() => new[] { FilePath, PreviousPath }.Where(File.Exists);

    /// <summary>
    /// The bytes of a cached file, or null (having said why in <paramref name="problem"/>) when it is larger
    /// than <paramref name="maxBytes"/>: a file that size is not read into memory at all.
    /// </summary>
    public static byte[]? Read(string path, long maxBytes, out string? problem)
    {
        var length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            problem = $"{length} bytes, over the limit of {maxBytes}";
            return null;
        }

        problem = null;
        return File.ReadAllBytes(path);
    }

    /// <summary>Renames a file that does not open to <c>*.bad</c>, so no start-up tries it again; returns the new path.</summary>
    public static string SetAside(string path)
    {
        var bad = path + ".bad";
        File.Move(path, bad, overwrite: true);
        return bad;
    }
}
