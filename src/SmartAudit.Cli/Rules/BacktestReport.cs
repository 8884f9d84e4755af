using System.Globalization;
using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Rules;

/// <summary>The backtest's table: per rule, claims and money flagged, and the change against a baseline.</summary>
internal static class BacktestReport
{
    public static void Write(TextWriter stdout, BacktestTally tally, RuleSet rules, RuleSet? baseline, int lines, TimeSpan elapsed)
    {
        var perMinute = tally.Claims / Math.Max(elapsed.TotalMinutes, 1e-9);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{tally.Claims:N0} claims replayed through {rules.Id} {rules.Version}{(baseline is null ? "" : $" (baseline {baseline.Version})")} in {elapsed.TotalSeconds:0.0} s: {perMinute:N0} claims/minute"));
        if (!tally.Invalid.IsEmpty)
        {
            stdout.WriteLine($"{tally.Invalid.Count:N0} of {lines:N0} lines were not valid claims (first ones on stderr)");
        }

        stdout.WriteLine();
        var header = baseline is null
            ? "| rule | category | claims flagged | share | amount flagged (yuan) |\n| --- | --- | ---: | ---: | ---: |"
            : "| rule | category | claims flagged | share | amount flagged (yuan) | baseline claims | added | removed |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |";
        stdout.WriteLine(header);
        var ids = rules.Rules.Select(r => r.Id).Union(baseline?.Rules.Select(r => r.Id) ?? []).Order(StringComparer.Ordinal);
        var categories = rules.Rules.Concat(baseline?.Rules ?? []).GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First().Category);
        foreach (var id in ids)
        {
            var now = tally.Rules.GetValueOrDefault(id) ?? new RuleTally();
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {categories[id]} | {now.ClaimIndexes.Count:N0} | {(tally.Claims == 0 ? 0 : (double)now.ClaimIndexes.Count / tally.Claims):P1} | {now.AmountFen / 100m:N2} |");
            if (baseline is not null)
            {
                var before = tally.Baseline.GetValueOrDefault(id) ?? new RuleTally();
                row += string.Create(CultureInfo.InvariantCulture,
                    $" {before.ClaimIndexes.Count:N0} | +{now.ClaimIndexes.Except(before.ClaimIndexes).Count():N0} | -{before.ClaimIndexes.Except(now.ClaimIndexes).Count():N0} |");
            }

            stdout.WriteLine(row);
        }

        var anyFlagged = tally.Rules.Values.SelectMany(r => r.ClaimIndexes).ToHashSet();
        stdout.WriteLine();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"claims flagged by any rule: {anyFlagged.Count:N0} ({(tally.Claims == 0 ? 0 : (double)anyFlagged.Count / tally.Claims):P1})"));
    }
}
