using System.Runtime.InteropServices;

namespace SmartAudit.Kafka.Spool;

/// <summary>
/// fsync of a folder. A file's own fsync makes its bytes durable but not its name: after a power cut a segment
/// created, renamed or deleted since the folder was last synced can be missing, back, or under its old name. So
/// the spool syncs its folder after each of those. Unix only (Windows has no such call and needs none); best
/// effort, as a folder that cannot be opened changes nothing about what was written.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY: enough to fsync a directory on Linux and macOS

    /// <summary>Syncs <paramref name="directory"/>; false when it could not (Windows, or the call failed).</summary>
    public static bool Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var fd = Open([.. System.Text.Encoding.UTF8.GetBytes(directory), 0], ReadOnly);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return Fsync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport over a NUL-terminated byte array: blittable, so the project needs no unsafe code for three calls.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
