namespace SmartAudit.Core.Rules;

/// <summary>One file of a rule set: its path relative to the rule-set root (forward slashes) and its text.</summary>
public sealed record SourceFile(string Path, string Content);

/// <summary>
/// The files of a rule set, held in memory: read from a directory (embedded default), unpacked from a
/// published bundle, or built by a test. The engine compiles from this and never touches a disk itself.
/// </summary>
public sealed record RuleSetSource(IReadOnlyList<SourceFile> Files)
{
    /// <summary>The manifest naming the rule set and its version.</summary>
    public const string ManifestPath = "ruleset.json";

    /// <summary>Folder of rule files, one RulesEngine workflow per file.</summary>
    public const string WorkflowFolder = "workflows/";

    /// <summary>Folder of knowledge-base tables (CSV).</summary>
    public const string KnowledgeFolder = "kb/";

    public SourceFile? Find(string path) => Files.FirstOrDefault(f => f.Path == path);
}

/// <summary>One problem found while loading a rule set, located as precisely as it can be.</summary>
public sealed record RuleSetProblem(string File, string? Rule, int? Line, string Message)
{
    /// <summary>Renders as <c>file:line: rule: message</c>, the way compilers do, so editors can jump to it.</summary>
    public override string ToString()
    {
        var where = Line is { } line ? $"{File}:{line}" : File;
        return Rule is null ? $"{where}: {Message}" : $"{where}: {Rule}: {Message}";
    }
}
