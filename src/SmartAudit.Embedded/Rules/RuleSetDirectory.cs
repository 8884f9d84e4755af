using SmartAudit.Core.Rules;

namespace SmartAudit.Embedded.Rules;

/// <summary>Reads a rule-set folder (<c>ruleset.json</c>, <c>workflows/</c>, <c>kb/</c>), or a packed bundle, into memory.</summary>
public static class RuleSetDirectory
{
    /// <summary>Reads every rule-set file below <paramref name="root"/>; paths come back relative, with '/'.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static RuleSetSource Read(string root)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"rule-set folder not found: {root}");
        }

        var files = new List<SourceFile>();
        foreach (var path in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(full, path).Replace('\\', '/');
            if (relative == RuleSetSource.ManifestPath
                || (relative.StartsWith(RuleSetSource.WorkflowFolder, StringComparison.Ordinal) && relative.EndsWith(".json", StringComparison.Ordinal))
                || (relative.StartsWith(RuleSetSource.KnowledgeFolder, StringComparison.Ordinal) && relative.EndsWith(".csv", StringComparison.Ordinal)))
            {
                files.Add(new SourceFile(relative, File.ReadAllText(path)));
            }
        }

        return new RuleSetSource(files);
    }

    /// <summary>Reads and compiles the folder.</summary>
    public static RuleSetCompilation Compile(string root) => RuleSetCompiler.Compile(Read(root));

    /// <summary>
    /// Reads a rule set from a folder, or from a bundle file packed by <c>smartaudit rules pack</c>
    /// (checked against its content hash).
    /// </summary>
    /// <exception cref="InvalidRuleSetBundleException">The file is not a sound bundle.</exception>
    public static RuleSetSource ReadFolderOrBundle(string path) =>
        File.Exists(path) ? RuleSetBundle.FromBytes(File.ReadAllBytes(path)).ToSource() : Read(path);

    /// <summary>
    /// Finds the shipped <c>rules/</c> folder for the embedded default: the configured path if given,
    /// else the first <c>rules/ruleset.json</c> found from the working directory or the app's folder upwards.
    /// </summary>
    public static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "rules");
                if (File.Exists(Path.Combine(candidate, RuleSetSource.ManifestPath)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
