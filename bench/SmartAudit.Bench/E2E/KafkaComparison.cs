using System.Globalization;
using System.Text;

namespace SmartAudit.Bench.E2E;

/// <summary>
/// The end-to-end suite with decisions to the JSON-lines file and then to Kafka (mock cluster), side by
/// side: per scenario the latency percentiles of both runs and what the Kafka log adds.
/// </summary>
internal static class KafkaComparison
{
    public static string Markdown(IReadOnlyList<ScenarioResult> off, IReadOnlyList<ScenarioResult> on, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine("Decision log: JSON-lines file (off) against Kafka, librdkafka's mock cluster in the load generator's process (on).");
        text.AppendLine();
        text.AppendLine("| scenario | achieved/s off / on | p50 µs off / on | p99 µs off / on | p99 added µs | server CPU µs/req off / on |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var a in off)
        {
            if (on.FirstOrDefault(r => r.Name == a.Name) is not { } b)
            {
                continue;
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {a.Name} | {a.AchievedPerSecond:0} / {b.AchievedPerSecond:0} | {a.P50Micros:0} / {b.P50Micros:0} | {a.P99Micros:0} / {b.P99Micros:0} | {b.P99Micros - a.P99Micros:+0;-0} | {a.ServerCpuMicrosPerRequest:0.0} / {b.ServerCpuMicrosPerRequest:0.0} |");
        }

        return text.ToString();
    }
}
