using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

/// <summary>A copy of the shipped <c>rules/</c> folder under the temp path, changed by a test and deleted after it.</summary>
internal sealed class TempRuleSetFolder : IDisposable
{
    public TempRuleSetFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"smartaudit-cli-tests-{Guid.NewGuid():N}");
        var source = ShippedRules.Folder;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Path { get; }

    /// <summary>Where a problem in <paramref name="relativePath"/> is reported: the folder as given, then the file.</summary>
    public string Located(string relativePath) => System.IO.Path.Join(Path, relativePath);

    public void Write(string relativePath, string content) => File.WriteAllText(System.IO.Path.Combine(Path, relativePath), content);

    public string Read(string relativePath) => File.ReadAllText(System.IO.Path.Combine(Path, relativePath));

    /// <summary>The 1-based line of the first occurrence of <paramref name="text"/> in the file.</summary>
    public int LineOf(string relativePath, string text)
    {
        var lines = Read(relativePath).Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' not found in {relativePath}");
        return index + 1;
    }

    /// <summary>Replaces text that must be there: a shipped file that changed fails the test here, not later.</summary>
    public void Replace(string relativePath, string oldText, string newText)
    {
        var content = Read(relativePath);
        Assert.Contains(oldText, content, StringComparison.Ordinal);
        Write(relativePath, content.Replace(oldText, newText, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
