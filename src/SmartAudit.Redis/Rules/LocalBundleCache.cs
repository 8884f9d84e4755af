namespace SmartAudit.Redis.Rules;

/// <summary>
/// The last good bundle a server loaded from the store, kept on local disk so that the server can start
/// when Redis cannot be reached. One file per environment, replaced atomically (write, then rename), and
/// checked against its content hash when read like any bundle.
/// </summary>
internal sealed class LocalBundleCache(string folder, string environment)
{
    public string FilePath { get; } = Path.GetFullPath(Path.Combine(folder, environment + ".ruleset.json.gz"));

    public void Write(byte[] bundle)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temporary = FilePath + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bundle);
        File.Move(temporary, FilePath, overwrite: true);
    }

    public byte[]? TryRead() => File.Exists(FilePath) ? File.ReadAllBytes(FilePath) : null;
}
