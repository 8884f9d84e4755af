using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Core.Rules;

/// <summary>
/// Reads one rule file (a RulesEngine workflow in JSON) into <see cref="RuleDefinition"/>s, checking
/// SmartAudit's metadata in each rule's <c>Properties</c>. Every problem is reported with the file,
/// the rule's name and the line where the rule starts; parsing goes on so that one run shows them all.
/// </summary>
internal static class RuleFileParser
{
    private static readonly HashSet<string> KnownRuleKeys =
    [
        "RuleName", "Expression", "RuleExpressionType", "Enabled", "Properties", "SuccessEvent", "ErrorMessage", "Description",
    ];

    private static readonly HashSet<string> KnownPropertyKeys =
    [
        "category", "scope", "table", "pairing", "severity", "certainty", "encounterKinds", "mode", "effectiveFrom", "effectiveTo", "message",
    ];

    /// <summary>How rule files and the manifest are read: comments and trailing commas allowed, as auditors write them.</summary>
    internal static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static List<RuleDefinition> Parse(SourceFile file, List<RuleSetProblem> problems)
    {
        var rules = new List<RuleDefinition>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.Content.TrimStart('\uFEFF'), DocumentOptions);
        }
        catch (JsonException ex)
        {
            problems.Add(new RuleSetProblem(file.Path, null, (int?)ex.LineNumber + 1, $"not valid JSON: {ex.Message}"));
            return rules;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("WorkflowName", out var nameElement) || nameElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("Rules", out var rulesElement) || rulesElement.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new RuleSetProblem(file.Path, null, 1, "a rule file is one RulesEngine workflow: an object with WorkflowName and a Rules array"));
                return rules;
            }

            var workflow = nameElement.GetString()!;
            var ruleLines = RuleStartLines(file.Content.TrimStart('\uFEFF'));
            var index = 0;
            foreach (var ruleElement in rulesElement.EnumerateArray())
            {
                var line = index < ruleLines.Count ? ruleLines[index] : 1;
                index++;
                if (ParseRule(file.Path, workflow, line, ruleElement, problems) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        return rules;
    }

    private static RuleDefinition? ParseRule(string file, string workflow, int line, JsonElement rule, List<RuleSetProblem> problems)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new RuleSetProblem(file, null, line, "each entry of Rules must be an object"));
            return null;
        }

        var id = rule.TryGetProperty("RuleName", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;
        var before = problems.Count;
        void Problem(string message) => problems.Add(new RuleSetProblem(file, id ?? "(unnamed rule)", line, message));

        if (string.IsNullOrWhiteSpace(id))
        {
            Problem("RuleName is missing (a string such as \"GZ-SEX-001\")");
        }

        foreach (var property in rule.EnumerateObject())
        {
            if (property.Name == "Rules")
            {
                Problem("nested rules are not supported: write each rule at the top level of the workflow");
            }
            else if (!KnownRuleKeys.Contains(property.Name))
            {
                Problem($"unknown key '{property.Name}'");
            }
        }

        if (rule.TryGetProperty("Enabled", out var enabled))
        {
            if (enabled.ValueKind == JsonValueKind.False)
            {
                return null; // switched off by the auditor: not loaded at all
            }

            if (enabled.ValueKind != JsonValueKind.True)
            {
                Problem($"Enabled must be true or false, not {enabled.GetRawText()}");
            }
        }

        if (Text(rule, "RuleExpressionType", Problem) is { } type && type != "LambdaExpression")
        {
            Problem("RuleExpressionType must be LambdaExpression");
        }

        var expression = Text(rule, "Expression", Problem);
        if (string.IsNullOrWhiteSpace(expression))
        {
            Problem("Expression is missing");
        }

        if (!rule.TryGetProperty("Properties", out var props) || props.ValueKind != JsonValueKind.Object)
        {
            Problem("Properties is missing: it carries category, severity, certainty and message");
            return null;
        }

        foreach (var property in props.EnumerateObject().Where(p => !KnownPropertyKeys.Contains(p.Name)))
        {
            Problem($"unknown property '{property.Name}' (known: {string.Join(", ", KnownPropertyKeys)})");
        }

        var category = Text(props, "category", Problem);
        if (string.IsNullOrEmpty(category))
        {
            Problem("category is missing");
        }

        var scope = Text(props, "scope", Problem) switch
        {
            null or "line" => RuleScope.Line,
            "pair" => RuleScope.Pair,
            "encounter" => RuleScope.Encounter,
            var other => Fail<RuleScope>(Problem, $"scope '{other}' is not line, pair or encounter"),
        };

        KnowledgeTable? table = null;
        if (Text(props, "table", Problem) is { } tableName)
        {
            if (!KnowledgeTable.All.TryGetValue(tableName, out table))
            {
                Problem($"unknown table '{tableName}' (known: {string.Join(", ", KnowledgeTable.All.Keys)})");
            }
            else if (scope != RuleScope.Line)
            {
                Problem("table applies to line rules only");
            }
        }

        var pairingText = Text(props, "pairing", Problem);
        var pairing = RulePairing.SameItem;
        if (scope == RuleScope.Pair)
        {
            pairing = pairingText switch
            {
                "same-item" => RulePairing.SameItem,
                "same-ingredient" => RulePairing.SameIngredient,
                "contraindicated" => RulePairing.Contraindicated,
                "exclusive" => RulePairing.Exclusive,
                _ => Fail<RulePairing>(Problem, $"pair rules need a pairing: same-item, same-ingredient, contraindicated or exclusive{(pairingText is null ? "" : $" (not '{pairingText}')")}"),
            };
        }
        else if (pairingText is not null)
        {
            Problem("pairing applies to pair rules only");
        }

        var severity = ParseSeverity(props, Problem);
        var certainty = Text(props, "certainty", Problem) switch
        {
            "SUSPECTED" => Certainty.Suspected,
            "CERTAIN" => Certainty.Certain,
            var other => Fail<Certainty>(Problem, other is null ? "certainty is missing (SUSPECTED or CERTAIN)" : $"certainty '{other}' is not SUSPECTED or CERTAIN"),
        };
        var mode = Text(props, "mode", Problem) switch
        {
            null or "active" => RuleMode.Active,
            "silent" => RuleMode.Silent,
            var other => Fail<RuleMode>(Problem, $"mode '{other}' is not active or silent"),
        };
        var kinds = ParseEncounterKinds(props, Problem);
        var from = ParseDate(props, "effectiveFrom", Problem);
        var to = ParseDate(props, "effectiveTo", Problem);
        if (from is { } f && to is { } t && t < f)
        {
            Problem($"effectiveTo {t:yyyy-MM-dd} is before effectiveFrom {f:yyyy-MM-dd}");
        }

        string? zh = null, en = null;
        if (props.TryGetProperty("message", out var message))
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                Problem("message must be an object with zh and en texts");
            }
            else
            {
                zh = Text(message, "zh", Problem);
                en = Text(message, "en", Problem);
            }
        }

        if (string.IsNullOrWhiteSpace(zh) || string.IsNullOrWhiteSpace(en))
        {
            Problem("message needs both zh and en texts");
        }

        if (problems.Count > before)
        {
            return null;
        }

        return new RuleDefinition
        {
            Id = id!,
            Workflow = workflow,
            File = file,
            Line = line,
            Expression = expression!,
            Category = category!,
            Scope = scope,
            Table = table,
            Pairing = pairing,
            Severity = severity,
            Certainty = certainty,
            EncounterKinds = kinds,
            Mode = mode,
            EffectiveFrom = from,
            EffectiveTo = to,
            MessageZh = zh!,
            MessageEn = en!,
        };
    }

    private static Dictionary<Stage, Severity> ParseSeverity(JsonElement props, Action<string> problem)
    {
        var result = new Dictionary<Stage, Severity>();
        if (!props.TryGetProperty("severity", out var severity) || severity.ValueKind != JsonValueKind.Object)
        {
            problem("severity is missing: an object from stage (PRE, MID, POST) to REMIND, WARN or BLOCK");
            return result;
        }

        foreach (var entry in severity.EnumerateObject())
        {
            Stage? stage = entry.Name switch { "PRE" => Stage.Pre, "MID" => Stage.Mid, "POST" => Stage.Post, _ => null };
            Severity? level = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString() switch { "REMIND" => Severity.Remind, "WARN" => Severity.Warn, "BLOCK" => Severity.Block, _ => null }
                : null;
            if (stage is null)
            {
                problem($"severity: '{entry.Name}' is not a stage (PRE, MID, POST)");
            }
            else if (level is null)
            {
                problem($"severity for {entry.Name}: '{entry.Value}' is not REMIND, WARN or BLOCK");
            }
            else
            {
                result[stage.Value] = level.Value;
            }
        }

        if (result.Count == 0 && severity.EnumerateObject().Any() == false)
        {
            problem("severity names no stage");
        }

        return result;
    }

    private static HashSet<EncounterKind> ParseEncounterKinds(JsonElement props, Action<string> problem)
    {
        if (!props.TryGetProperty("encounterKinds", out var kinds))
        {
            return [EncounterKind.Outpatient, EncounterKind.Inpatient, EncounterKind.Pharmacy];
        }

        var result = new HashSet<EncounterKind>();
        if (kinds.ValueKind != JsonValueKind.Array)
        {
            problem("encounterKinds must be an array of OUTPATIENT, INPATIENT, PHARMACY");
            return result;
        }

        foreach (var kind in kinds.EnumerateArray())
        {
            switch (kind.ValueKind == JsonValueKind.String ? kind.GetString() : null)
            {
                case "OUTPATIENT": result.Add(EncounterKind.Outpatient); break;
                case "INPATIENT": result.Add(EncounterKind.Inpatient); break;
                case "PHARMACY": result.Add(EncounterKind.Pharmacy); break;
                default: problem($"encounterKinds: {kind.GetRawText()} is not OUTPATIENT, INPATIENT or PHARMACY"); break;
            }
        }

        return result;
    }

    private static DateOnly? ParseDate(JsonElement props, string name, Action<string> problem)
    {
        if (!props.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        problem($"{name} '{value}' is not a date (yyyy-MM-dd)");
        return null;
    }

    /// <summary>
    /// A string value, or null when the key is absent or JSON null. Any other kind of value is a problem:
    /// silently treating <c>"table": 5</c> as "no table" would run the rule on every line.
    /// </summary>
    private static string? Text(JsonElement element, string name, Action<string> problem)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        problem($"{name} must be a string, not {value.ValueKind.ToString().ToLowerInvariant()} {value.GetRawText()}");
        return null;
    }

    private static T Fail<T>(Action<string> problem, string message)
        where T : struct
    {
        problem(message);
        return default;
    }

    /// <summary>The 1-based line on which each entry of the top-level <c>Rules</c> array starts, in order (objects or not).</summary>
    private static List<int> RuleStartLines(string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var lines = new List<int>();
        var inRules = false;
        var line = 1;
        long counted = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inRules = reader.ValueTextEquals("Rules"u8);
            }
            else if (inRules && reader.CurrentDepth == 2 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
            {
                for (; counted < reader.TokenStartIndex; counted++)
                {
                    if (bytes[counted] == (byte)'\n')
                    {
                        line++;
                    }
                }

                lines.Add(line);
            }
        }

        return lines;
    }
}
