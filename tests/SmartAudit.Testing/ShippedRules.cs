using SmartAudit.Core.Rules;
using SmartAudit.Embedded.Rules;

namespace SmartAudit.Testing;

/// <summary>The repository's <c>rules/</c> folder, compiled once per test run.</summary>
public static class ShippedRules
{
    private static readonly Lazy<RuleSet> Compiled = new(() =>
    {
        var compilation = RuleSetDirectory.Compile(Folder);
        return compilation.RuleSet ?? throw new InvalidOperationException(
            "the shipped rules do not compile:\n" + string.Join('\n', compilation.Problems));
    });

    public static string Folder => RuleSetDirectory.Locate(null) ?? throw new InvalidOperationException("rules/ not found above the test's folder");

    public static RuleSet RuleSet => Compiled.Value;

    public static RuleSetSource Source => RuleSetDirectory.Read(Folder);

    /// <summary>The shipped source with one file replaced (or added), for tests of broken or changed rules.</summary>
    public static RuleSetSource With(string path, string content) =>
        new([.. Source.Files.Where(f => f.Path != path), new SourceFile(path, content)]);

    /// <summary>The shipped source without one file.</summary>
    public static RuleSetSource Without(string path) => new([.. Source.Files.Where(f => f.Path != path)]);
}
