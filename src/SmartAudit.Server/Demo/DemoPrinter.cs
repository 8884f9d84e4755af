using System.Globalization;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Demo;

/// <summary>Prints one decision the way a doctor's screen would show it.</summary>
internal static class DemoPrinter
{
    public static async Task PrintAsync(TextWriter writer, V1.CheckRequest order, V1.CheckResponse response)
    {
        var lines = string.Join(", ", order.Lines.Select(l => $"{l.LineId}:{l.ItemCode}"));
        await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{order.RequestId,-12} {Name(order.Stage),-4} {Name(order.Encounter.Kind),-10} level {order.Encounter.HospitalLevel}  -> {Name(response.Action),-7} ({response.EvaluationMicros} µs, rules {response.RuleSetVersion})"));
        await writer.WriteLineAsync($"             lines {lines}");
        foreach (var finding in response.Findings)
        {
            await writer.WriteLineAsync($"   {Name(finding.Severity),-7} {finding.RuleId,-11} {finding.Category} ({Name(finding.Certainty)}) lines {string.Join(",", finding.LineIds)}");
            await writer.WriteLineAsync($"           {finding.Message}");
            await writer.WriteLineAsync($"           {finding.MessageEn}");
        }

        if (response.Fraud is { } fraud)
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"   fraud score {fraud.Score:0.000} (model {fraud.ModelVersion})"));
            foreach (var reason in fraud.Reasons)
            {
                await writer.WriteLineAsync($"           {reason.Message} / {reason.MessageEn}");
            }
        }

        await writer.WriteLineAsync();
    }

    /// <summary>An enum value as the proto names it, without its prefix: ACTION_BLOCK -> BLOCK.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum
    {
        var text = value.ToString();
        return text.ToUpperInvariant();
    }
}
