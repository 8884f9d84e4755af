using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;
using SmartAudit.Core.Rules;

namespace SmartAudit.Testing;

/// <summary>
/// Deterministic random requests over a rule set's catalogue, with values scattered around each item's
/// limits (doses, days, prices, ages) so that every rule family both fires and stays silent, plus unknown
/// items and repeated lines. Same seed, same requests.
/// </summary>
public static class RandomOrders
{
    public static List<AuditRequest> Generate(RuleSet ruleSet, int seed, int count, int minLines = 1, int maxLines = 12)
    {
        var random = new Random(seed);
        var items = ruleSet.Knowledge.Items.OrderBy(i => i.Code, StringComparer.Ordinal).ToArray();
        var restricted = items.Where(i => i.Tables != 0).ToArray();
        var requests = new List<AuditRequest>(count);
        for (var n = 0; n < count; n++)
        {
            var stage = (Stage)random.Next(1, 4);
            var kind = (EncounterKind)random.Next(1, 4);
            var day = Orders.Today.AddDays(-random.Next(0, 30));
            var patient = new Patient($"P{random.Next(100_000):D6}", (Sex)random.Next(1, 3),
                day.AddDays(-random.Next(0, 90 * 365)), InsuranceType.Employee, "310000");
            var encounter = new Encounter($"E{n}", kind, "H1", random.Next(1, 4), "GEN",
                kind == EncounterKind.Inpatient ? day : null, null, ["J06.9"], "D1");
            var lineCount = random.Next(minLines, maxLines + 1);
            var lines = new List<OrderLine>(lineCount);
            for (var l = 0; l < lineCount; l++)
            {
                var roll = random.NextDouble();
                KbItem? item = roll < 0.08 ? null
                    : roll < 0.18 && lines.Count > 0 ? ruleSet.Knowledge.Lookup(lines[random.Next(lines.Count)].ItemCode)
                    : roll < 0.7 && restricted.Length > 0 ? restricted[random.Next(restricted.Length)]
                    : items[random.Next(items.Length)];
                lines.Add(Line(random, l, item, day.AddDays(random.Next(0, 3)), encounter.HospitalLevel));
            }

            requests.Add(new AuditRequest($"R{n}", stage, patient, encounter, lines));
        }

        return requests;
    }

    private static OrderLine Line(Random random, int index, KbItem? item, DateOnly date, int level)
    {
        var code = item is { IsKnown: true } ? item.Code : $"UNKNOWN{random.Next(1000)}";
        var kind = item?.Kind ?? ItemKind.Drug;
        var dose = item?.MaxDailyDose is { } max ? Around(random, max) : random.Next(0, 100);
        var days = item?.MaxDaysOfSupply is { } maxDays ? (int)Math.Round(Around(random, maxDays)) : random.Next(0, 10);
        var price = item?.PriceCapFen(level) is { } cap ? (long)Math.Round(Around(random, cap)) : random.Next(100, 100_000);
        var at = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        return new OrderLine($"L{index}", code, kind, string.Empty, 1 + random.Next(3), price, price, dose, days, at, date);
    }

    /// <summary>A value at the limit, just past it, or well inside or outside it.</summary>
    private static double Around(Random random, double limit) => random.Next(5) switch
    {
        0 => limit,
        1 => limit + 1,
        2 => Math.Max(0, limit - 1),
        _ => Math.Round(limit * (0.5 + random.NextDouble())),
    };
}
