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
        foreach (var name in off[0].Select(r => r.Name))
        {
            double Median(IReadOnlyList<IReadOnlyList<ScenarioResult>> runs, Func<ScenarioResult, double> figure) =>
                Report.MedianOf(runs.SelectMany(r => r.Where(s => s.Name == name)).Select(figure));

            var p99Off = Median(off, r => r.P99Micros);
            var p99On = Median(on, r => r.P99Micros);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {Median(off, r => r.AchievedPerSecond):0} / {Median(on, r => r.AchievedPerSecond):0} | {Median(off, r => r.P50Micros):0} / {Median(on, r => r.P50Micros):0} | {p99Off:0} / {p99On:0} | {p99On - p99Off:+0;-0} | {Median(off, r => r.ServerCpuMicrosPerRequest):0.0} / {Median(on, r => r.ServerCpuMicrosPerRequest):0.0} |");
        }

        return text.ToString();
    }
}
