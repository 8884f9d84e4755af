using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmartAudit.Bench.E2E;

/// <summary>One path's scenarios against its own server: the median of each figure over the run's repeats.</summary>
internal sealed record PathRun(ServerPath Path, IReadOnlyList<ScenarioResult> Results, long PeakRssBytes, int Repeats);

/// <summary>The tables and JSON a run leaves under bench/results/.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Markdown(IReadOnlyList<PathRun> runs, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        if (runs.Count > 0 && runs[0].Repeats > 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Each figure is the median of {runs[0].Repeats} runs, the paths taken in turn.");
        }

        text.AppendLine();
        text.AppendLine("Side by side (5-line MID order; Ping against the same server in the same run):");
        text.AppendLine();
        text.AppendLine("| path | Ping p50 µs at 1000/s | Check p50 µs | Check p99 µs | Check p50 / Ping p50 | Check stream / Ping stream | server CPU µs per Check (saturation) | peak RSS MiB | degraded |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in runs)
        {
            var ratios = Ratios(run.Results).ToDictionary(r => r.Key, r => r.Value);
            var ping = Find(run.Results, "Ping unary,", offered: true);
            var check = Find(run.Results, "Check 5 lines unary,", offered: true);
            var saturated = Find(run.Results, "Check 5 lines unary, saturation", offered: false);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Path.Name} | {ping?.P50Micros:0} | {check?.P50Micros:0} | {check?.P99Micros:0} | {Ratio(ratios, "latency")} | {Ratio(ratios, "stream")} | {saturated?.ServerCpuMicrosPerRequest:0.0} | {run.PeakRssBytes / (1024.0 * 1024.0):0} | {run.Results.Sum(r => r.Degraded)} |");
        }

        text.AppendLine();
        text.AppendLine("Targets: Check p50 / Ping p50 <= 1.5 and Check p99 < 5 ms at 1000/s on the full path; Check stream / Ping stream >= 0.60; peak RSS < 500 MiB.");
        foreach (var run in runs)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"#### {run.Path.Name}");
            text.AppendLine();
            text.AppendLine("| scenario | offered/s | achieved/s | p50 µs | p90 µs | p99 µs | p99.9 µs | server CPU µs/req | server eval p50 / p99 µs | errors | degraded |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var r in run.Results)
            {
                var evaluation = r.ServerEvalP50Micros is { } p50 ? $"{p50:0} / {r.ServerEvalP99Micros:0}" : "-";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {(r.OfferedPerSecond is { } o ? o.ToString("0", CultureInfo.InvariantCulture) : "-")} | {r.AchievedPerSecond:0} | {r.P50Micros:0} | {r.P90Micros:0} | {r.P99Micros:0} | {r.P999Micros:0} | {r.ServerCpuMicrosPerRequest:0.0} | {evaluation} | {r.Errors} | {r.Degraded} |");
            }
        }

        return text.ToString();
    }

    /// <summary>The side-by-side ratios the targets are stated in, for one server.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Ratios(IReadOnlyList<ScenarioResult> results)
    {
        if (Find(results, "Check 5 lines unary,", offered: true) is { } check && Find(results, "Ping unary,", offered: true) is { } ping)
        {
            yield return new("latency", check.P50Micros / ping.P50Micros);
        }

        if (Find(results, "Check 5 lines stream", offered: false) is { } checkStream && Find(results, "Ping stream", offered: false) is { } pingStream)
        {
            yield return new("stream", checkStream.AchievedPerSecond / pingStream.AchievedPerSecond);
        }
    }

    /// <summary>Per scenario, the median of each figure over repeated runs of the same path.</summary>
    public static List<ScenarioResult> Median(IReadOnlyList<IReadOnlyList<ScenarioResult>> runs)
    {
        if (runs.Count == 1)
        {
            return [.. runs[0]];
        }

        return [.. runs[0].Select(first =>
        {
            var same = runs.SelectMany(r => r.Where(s => s.Name == first.Name)).ToList();
            double M(Func<ScenarioResult, double> figure) => MedianOf(same.Select(figure));
            double? N(Func<ScenarioResult, double?> figure) => same.All(s => figure(s) is not null) ? MedianOf(same.Select(s => figure(s)!.Value)) : null;
            return first with
            {
                AchievedPerSecond = M(s => s.AchievedPerSecond),
                Requests = (long)M(s => s.Requests),
                Errors = same.Sum(s => s.Errors),
                P50Micros = M(s => s.P50Micros),
                P90Micros = M(s => s.P90Micros),
                P99Micros = M(s => s.P99Micros),
                P999Micros = M(s => s.P999Micros),
                MaxMicros = same.Max(s => s.MaxMicros),
                ServerCpuMicrosPerRequest = M(s => s.ServerCpuMicrosPerRequest),
                ServerEvalP50Micros = N(s => s.ServerEvalP50Micros),
                ServerEvalP99Micros = N(s => s.ServerEvalP99Micros),
                Degraded = same.Sum(s => s.Degraded),
            };
        })];
    }

    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string Json(IReadOnlyList<PathRun> runs, string machine) =>
        JsonSerializer.Serialize(new
        {
            machine,
            date = DateTimeOffset.UtcNow,
            paths = runs.Select(run => new
            {
                path = run.Path.Key,
                name = run.Path.Name,
                repeats = run.Repeats,
                peakRssBytes = run.PeakRssBytes,
                scenarios = run.Results,
                ratios = Ratios(run.Results).ToDictionary(r => r.Key, r => r.Value),
            }),
        }, Indented);

    private static ScenarioResult? Find(IReadOnlyList<ScenarioResult> results, string prefix, bool offered) =>
        results.FirstOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.OfferedPerSecond is not null == offered);

    private static string Ratio(Dictionary<string, double> ratios, string key) =>
        ratios.TryGetValue(key, out var value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
