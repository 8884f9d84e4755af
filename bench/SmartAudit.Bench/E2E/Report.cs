using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmartAudit.Bench.E2E;

/// <summary>The table and JSON a run leaves under bench/results/.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Markdown(IReadOnlyList<ScenarioResult> results, long peakRssBytes, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine();
        text.AppendLine("| scenario | offered/s | achieved/s | p50 µs | p90 µs | p99 µs | p99.9 µs | server CPU µs/req | server eval p50 / p99 µs | errors |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            var evaluation = r.ServerEvalP50Micros is { } p50 ? $"{p50:0} / {r.ServerEvalP99Micros:0}" : "-";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {(r.OfferedPerSecond is { } o ? o.ToString("0", CultureInfo.InvariantCulture) : "-")} | {r.AchievedPerSecond:0} | {r.P50Micros:0} | {r.P90Micros:0} | {r.P99Micros:0} | {r.P999Micros:0} | {r.ServerCpuMicrosPerRequest:0.0} | {evaluation} | {r.Errors} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Server peak RSS: {peakRssBytes / (1024.0 * 1024.0):0} MiB");
        foreach (var (label, value) in Ratios(results))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {value:0.00}");
        }

        return text.ToString();
    }

    /// <summary>The side-by-side ratios the targets are stated in.</summary>
    public static IEnumerable<(string Label, double Value)> Ratios(IReadOnlyList<ScenarioResult> results)
    {
        ScenarioResult? Find(string prefix) => results.FirstOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal));
        if (Find("Check 5 lines unary,") is { OfferedPerSecond: not null } check && Find("Ping unary,") is { OfferedPerSecond: not null } ping)
        {
            yield return ("Check p50 / Ping p50 at the same offered rate (target <= 1.5)", check.P50Micros / ping.P50Micros);
        }

        if (Find("Check 5 lines stream") is { } checkStream && Find("Ping stream") is { } pingStream)
        {
            yield return ("Check stream throughput / Ping stream throughput (target >= 0.60)", checkStream.AchievedPerSecond / pingStream.AchievedPerSecond);
        }
    }

    public static string Json(IReadOnlyList<ScenarioResult> results, long peakRssBytes, string machine) =>
        JsonSerializer.Serialize(new
        {
            machine,
            date = DateTimeOffset.UtcNow,
            peakRssBytes,
            scenarios = results,
            ratios = Ratios(results).ToDictionary(r => r.Label, r => r.Value),
        }, Indented);
}
