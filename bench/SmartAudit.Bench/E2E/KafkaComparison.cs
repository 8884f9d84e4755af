using System.Globalization;
using System.Text;

namespace SmartAudit.Bench.E2E;

/// <summary>
/// The end-to-end suite with decisions to the JSON-lines file (off) and to Kafka (on), side by side: per
/// scenario the median over the runs of each figure, and what the Kafka log adds to the p99. The Ping
/// scenarios never touch the decision log: their differences are the noise of the machine.
/// </summary>
internal static class KafkaComparison
{
    public static string Markdown(IReadOnlyList<IReadOnlyList<ScenarioResult>> off, IReadOnlyList<IReadOnlyList<ScenarioResult>> on, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Decision log: JSON-lines file (off) against Kafka, librdkafka's mock cluster in the load generator's process (on); median of {off.Count} alternating run(s) each.");
        text.AppendLine();
        text.AppendLine("| scenario | achieved/s off / on | p50 µs off / on | p99 µs off / on | p99 added µs | server CPU µs/req off / on |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        var onByName = Report.Median(on).ToDictionary(r => r.Name);
        foreach (var a in Report.Median(off))
        {
            var b = onByName[a.Name];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {a.Name} | {a.AchievedPerSecond:0} / {b.AchievedPerSecond:0} | {a.P50Micros:0} / {b.P50Micros:0} | {a.P99Micros:0} / {b.P99Micros:0} | {b.P99Micros - a.P99Micros:+0;-0} | {a.ServerCpuMicrosPerRequest:0.0} / {b.ServerCpuMicrosPerRequest:0.0} |");
        }

        return text.ToString();
    }
}
