using System.Text.Json;

namespace SmartAudit.Kafka.Tests;

/// <summary>
/// Field-by-field comparison of a JSON document with a committed sample: names every field that is
/// missing, added, of another kind or of another value, by its path (<c>$.findings[1].silent</c>).
/// </summary>
public static class JsonSnapshot
{
    public static string SamplePath(string schema) => Path.Combine(AppContext.BaseDirectory, "Schemas", schema + ".json");

    public static List<string> Differences(JsonElement expected, JsonElement actual, string path = "$")
    {
        var differences = new List<string>();
        Compare(expected, actual, path, differences);
        return differences;
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: expected {expected.ValueKind} {expected.GetRawText()}, got {actual.ValueKind} {actual.GetRawText()}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var actualFields = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var field in expected.EnumerateObject())
                {
                    if (actualFields.Remove(field.Name, out var value))
                    {
                        Compare(field.Value, value, $"{path}.{field.Name}", differences);
                    }
                    else
                    {
                        differences.Add($"{path}.{field.Name}: missing (a field was removed or renamed)");
                    }
                }

                differences.AddRange(actualFields.Keys.Select(name => $"{path}.{name}: not in the sample (a field was added)"));
                break;
            case JsonValueKind.Array:
                var expectedItems = expected.EnumerateArray().ToList();
                var actualItems = actual.EnumerateArray().ToList();
                if (expectedItems.Count != actualItems.Count)
                {
                    differences.Add($"{path}: expected {expectedItems.Count} items, got {actualItems.Count}");
                }

                for (var i = 0; i < Math.Min(expectedItems.Count, actualItems.Count); i++)
                {
                    Compare(expectedItems[i], actualItems[i], $"{path}[{i}]", differences);
                }

                break;
            case JsonValueKind.String:
                if (expected.GetString() != actual.GetString())
                {
                    differences.Add($"{path}: expected \"{expected.GetString()}\", got \"{actual.GetString()}\"");
                }

                break;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                }

                break;
        }
    }
}
