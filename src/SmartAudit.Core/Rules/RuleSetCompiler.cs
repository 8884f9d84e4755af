using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>The outcome of compiling a rule set: the set, or the problems that stopped it.</summary>
public sealed record RuleSetCompilation(RuleSet? RuleSet, IReadOnlyList<RuleSetProblem> Problems)
{
    public bool Succeeded => RuleSet is not null;
}

/// <summary>
/// Turns a <see cref="RuleSetSource"/> into a <see cref="RuleSet"/>: reads the manifest and the knowledge
/// base, parses every workflow file, and compiles each rule's expression and message templates once with
/// RulesEngine's expression parser. Any problem anywhere refuses the whole set, so a broken file can
/// never replace a working set.
/// </summary>
public static class RuleSetCompiler
{
    /// <summary>Parameter names rule expressions use, by scope.</summary>
    public const string ContextName = "ctx", LineName = "line", FirstName = "a", SecondName = "b";

    /// <summary>
    /// RulesEngine settings shared by compilation and by the plain-RulesEngine baseline. The fact types are
    /// registered so expressions may call their helper methods (e.g. <c>line.Item.PriceCapFen(level)</c>).
    /// FastExpressionCompiler is off: it has returned wrong answers for nullable comparisons
    /// (RulesEngine issues #558 and #583), and our knowledge-base restrictions are nullable. Compilation
    /// happens once per rule-set version, so the slower compiler costs nothing per request.
    /// </summary>
    /// <remarks>A fresh instance on every call: a caller changing its copy cannot switch the protection off for everyone.</remarks>
    public static ReSettings CreateSettings() => new()
    {
        CustomTypes =
        [
            typeof(RequestFacts), typeof(LineFacts), typeof(KbItem), typeof(Patient), typeof(Encounter),
            typeof(HistoryFacts), typeof(History.HistoryLine), typeof(History.HistoryEncounter), typeof(ItemRelation),
            typeof(Sex), typeof(Stage), typeof(EncounterKind), typeof(ItemKind), typeof(InsuranceType),
        ],
        UseFastExpressionCompiler = false,
    };

    internal static RuleParameter[] ParametersFor(RuleScope scope) => scope switch
    {
        RuleScope.Line => [RuleParameter.Create<RequestFacts>(ContextName, null!), RuleParameter.Create<LineFacts>(LineName, null!)],
        RuleScope.Pair => [RuleParameter.Create<RequestFacts>(ContextName, null!), RuleParameter.Create<LineFacts>(FirstName, null!), RuleParameter.Create<LineFacts>(SecondName, null!)],
        _ => [RuleParameter.Create<RequestFacts>(ContextName, null!)],
    };

    public static RuleSetCompilation Compile(RuleSetSource source)
    {
        var problems = new List<RuleSetProblem>();
        var manifest = ReadManifest(source, problems);
        var knowledge = KnowledgeBase.Load(source, problems);

        var definitions = new List<RuleDefinition>();
        var workflowFiles = source.Files
            .Where(f => f.Path.StartsWith(RuleSetSource.WorkflowFolder, StringComparison.Ordinal) && f.Path.EndsWith(".json", StringComparison.Ordinal))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        if (workflowFiles.Count == 0)
        {
            problems.Add(new RuleSetProblem(RuleSetSource.WorkflowFolder, null, null, "no rule files (*.json) found"));
        }

        foreach (var file in workflowFiles)
        {
            definitions.AddRange(RuleFileParser.Parse(file, problems));
        }

        var seen = new Dictionary<string, RuleDefinition>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (!seen.TryAdd(definition.Id, definition))
            {
                var first = seen[definition.Id];
                problems.Add(new RuleSetProblem(definition.File, definition.Id, definition.Line,
                    $"duplicate rule id: already defined at {first.File}:{first.Line}"));
            }
        }

        var parser = new RuleExpressionParser(CreateSettings());
        var compiled = new List<CompiledRule>(definitions.Count);
        foreach (var definition in definitions)
        {
            if (CompileRule(definition, parser, problems) is { } rule)
            {
                compiled.Add(rule);
            }
        }

        if (problems.Count > 0 || manifest is null)
        {
            return new RuleSetCompilation(null, problems);
        }

        return new RuleSetCompilation(new RuleSet(manifest, ContentHash(source), knowledge, compiled), problems);
    }

    private static CompiledRule? CompileRule(RuleDefinition definition, RuleExpressionParser parser, List<RuleSetProblem> problems)
    {
        var parameters = ParametersFor(definition.Scope);
        Func<object[], bool> predicate;
        try
        {
            predicate = parser.Compile<bool>(definition.Expression, parameters);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var names = string.Join(", ", parameters.Select(p => p.Name));
            problems.Add(new RuleSetProblem(definition.File, definition.Id, definition.Line,
                $"expression does not compile: {ex.Message} (a {definition.Scope.ToString().ToLowerInvariant()} rule sees: {names})"));
            return null;
        }

        RuleMessages messages;
        var failed = "zh";
        try
        {
            messages = RuleMessages.Compile(definition.MessageZh, definition.MessageEn, parser, parameters, out failed);
        }
        catch (FormatException ex)
        {
            problems.Add(new RuleSetProblem(definition.File, definition.Id, definition.Line, $"message {failed}: {ex.Message}"));
            return null;
        }

        return new CompiledRule(definition, predicate, messages);
    }

    private static RuleSetManifest? ReadManifest(RuleSetSource source, List<RuleSetProblem> problems)
    {
        var file = source.Find(RuleSetSource.ManifestPath);
        if (file is null)
        {
            problems.Add(new RuleSetProblem(RuleSetSource.ManifestPath, null, null, "the manifest is missing (id and version of the rule set)"));
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(file.Content.TrimStart('\uFEFF'), RuleFileParser.DocumentOptions);
            var root = document.RootElement;
            var id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            var version = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var versionElement) && versionElement.ValueKind == JsonValueKind.String ? versionElement.GetString() : null;
            if (string.IsNullOrWhiteSpace(id) || version is null || !IsSemanticVersion(version))
            {
                problems.Add(new RuleSetProblem(file.Path, null, 1, "needs \"id\" and a semantic \"version\" such as \"1.2.0\""));
                return null;
            }

            return new RuleSetManifest(id, version);
        }
        catch (JsonException ex)
        {
            problems.Add(new RuleSetProblem(file.Path, null, (int?)ex.LineNumber + 1, $"not valid JSON: {ex.Message}"));
            return null;
        }
    }

    private static bool IsSemanticVersion(string version)
    {
        var core = version.Split('-', 2)[0].Split('.');
        return core.Length == 3 && core.All(part => part.Length > 0 && part.All(char.IsAsciiDigit));
    }

    internal static string ContentHash(RuleSetSource source)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in source.Files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Path));
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(file.Content));
            hash.AppendData([0]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
