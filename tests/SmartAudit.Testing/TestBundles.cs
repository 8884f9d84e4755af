using SmartAudit.Core.Rules;

namespace SmartAudit.Testing;

/// <summary>Rule-set bundles made from the shipped rules for store and reload tests: sound ones by version, and broken ones.</summary>
public static class TestBundles
{
    private static readonly DateTimeOffset PackedAt = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The shipped rules under another semantic version (so another content hash), packed.</summary>
    public static (RuleSetBundle Bundle, byte[] Bytes) Version(string semanticVersion, string author = "auditor-1") =>
        Pack(WithVersion(ShippedRules.Source, semanticVersion), author);

    /// <summary>Compiles a rule-set source (it must compile) and packs it, as <c>smartaudit rules pack</c> does.</summary>
    public static (RuleSetBundle Bundle, byte[] Bytes) Pack(RuleSetSource source, string author = "auditor-1")
    {
        var compilation = RuleSetCompiler.Compile(source);
        var ruleSet = compilation.RuleSet ?? throw new InvalidOperationException(string.Join('\n', compilation.Problems));
        var bundle = RuleSetBundle.Pack(source, ruleSet, author, PackedAt);
        return (bundle, bundle.ToBytes());
    }

    /// <summary>
    /// A bundle that opens (its hash is right) but does not compile: one expression is broken, as a server
    /// of another build might find a bundle its compiler cannot take.
    /// </summary>
    public static (RuleSetBundle Bundle, byte[] Bytes) Broken(string semanticVersion)
    {
        var shipped = WithVersion(ShippedRules.Source, semanticVersion);
        var sex = shipped.Find("workflows/sex.json") ?? throw new InvalidOperationException("workflows/sex.json is gone");
        var broken = new RuleSetSource([.. shipped.Files.Where(f => f.Path != sex.Path),
            sex with { Content = sex.Content.Replace("line.Item.SexOnly != null", "line.Item.SexOnly !=", StringComparison.Ordinal) }]);
        if (RuleSetCompiler.Compile(broken).Succeeded)
        {
            throw new InvalidOperationException("the broken bundle compiles: the shipped sex rule changed");
        }

        var bundle = new RuleSetBundle(RuleSetBundle.FormatV1, "national-base", semanticVersion, RuleSetCompiler.ContentHash(broken),
            PackedAt, "auditor-1", [.. broken.Files.OrderBy(f => f.Path, StringComparer.Ordinal)]);
        return (bundle, bundle.ToBytes());
    }

    /// <summary>
    /// The shipped rules plus one rule that reads the patient history (T-FREQ-001: a third visit within 30
    /// days warns), so that requests at every stage read the history store.
    /// </summary>
    public static (RuleSetBundle Bundle, byte[] Bytes) WithHistoryRule(string semanticVersion)
    {
        var source = WithVersion(ShippedRules.Source, semanticVersion);
        return Pack(new RuleSetSource([.. source.Files, new SourceFile("workflows/test-frequent-visits.json", FrequentVisitsRule)]));
    }

    public const string FrequentVisitsRuleId = "T-FREQ-001";

    private const string FrequentVisitsRule = """
        {
          "WorkflowName": "frequent-visits",
          "Rules": [
            {
              "RuleName": "T-FREQ-001",
              "Description": "test: a third visit within 30 days",
              "RuleExpressionType": "LambdaExpression",
              "Expression": "ctx.History.VisitsWithin(30) >= 3",
              "Properties": {
                "category": "FREQUENT_VISITS",
                "scope": "encounter",
                "severity": { "PRE": "WARN", "MID": "WARN", "POST": "WARN" },
                "certainty": "CERTAIN",
                "mode": "active",
                "effectiveFrom": "2020-01-01",
                "message": { "zh": "30天内第3次就诊", "en": "third visit within 30 days" }
              }
            }
          ]
        }
        """;

    private static RuleSetSource WithVersion(RuleSetSource source, string semanticVersion)
    {
        var manifest = source.Find(RuleSetSource.ManifestPath) ?? throw new InvalidOperationException("no manifest");
        var content = System.Text.RegularExpressions.Regex.Replace(manifest.Content, "\"version\"\\s*:\\s*\"[^\"]*\"", $"\"version\": \"{semanticVersion}\"");
        return new RuleSetSource([.. source.Files.Where(f => f.Path != manifest.Path), manifest with { Content = content }]);
    }
}
