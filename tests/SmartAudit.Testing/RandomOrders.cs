using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
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
    private static readonly string[] Diagnoses = ["J06.9", "I10", "E11.9", "I63.9", "I63.0", "M81.0", "C34.9", "K35.8", "F20.0", "N18.3"];
    private static readonly string[] Departments = ["GEN", "A03", "A03.08", "A19", "A15", "A07", "A04"];

    /// <summary>
    /// Requests as <see cref="Generate"/> makes them, each with an earlier history for its patient (visits in
    /// several hospitals, supplies still lasting or run out, stays discharged days or weeks before) so that
    /// the rules that look across visits both fire and stay silent.
    /// </summary>
    public static List<(AuditRequest Request, PatientHistory History)> GenerateWithHistory(RuleSet ruleSet, int seed, int count, int minLines = 1, int maxLines = 12)
    {
        var random = new Random(seed ^ 0x5A5A);
        var historyItems = ruleSet.Knowledge.Items.Where(i => i.Ingredient.Length > 0 || i.MaxPerPeriod is not null)
            .OrderBy(i => i.Code, StringComparer.Ordinal).ToArray();
        var options = new HistoryOptions();
        var result = new List<(AuditRequest, PatientHistory)>(count);
        foreach (var request in Generate(ruleSet, seed, count, minLines, maxLines))
        {
            var history = PatientHistory.Empty;
            var earlier = random.Next(0, 12);
            var day = request.Lines.Count > 0 ? request.Lines.Min(l => l.ServiceDate) : Orders.Today;
            for (var e = 0; e < earlier; e++)
            {
                var date = day.AddDays(-random.Next(1, 60));
                var inpatient = random.NextDouble() < 0.2;
                var id = $"{request.Encounter.Id}-H{e}";
                var hospital = $"H{random.Next(1, 7)}";
                var diagnosis = random.NextDouble() < 0.5 && request.Encounter.DiagnosisCodes.Count > 0
                    ? request.Encounter.DiagnosisCodes[0]
                    : Diagnoses[random.Next(Diagnoses.Length)];
                var encounter = new HistoryEncounter(id, inpatient ? EncounterKind.Inpatient : EncounterKind.Outpatient, hospital, "A03",
                    inpatient ? date.AddDays(-random.Next(1, 10)) : date, inpatient ? date : null, [diagnosis]);
                var lines = Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
                {
                    // Half the earlier lines repeat an item of this request: supplies that may still last.
                    var item = random.Next(2) == 0 && request.Lines.Count > 0
                        ? ruleSet.Knowledge.Lookup(request.Lines[random.Next(request.Lines.Count)].ItemCode)
                        : historyItems[random.Next(historyItems.Length)];
                    return new HistoryLine(id, hospital, item.Code, item.Ingredient, date, 1 + random.Next(2), random.Next(0, 45));
                }).ToList();
                history = HistoryTrimming.Merge(history, new HistoryEntry(request.Patient.Id, encounter, lines), options);
            }

            result.Add((request, history));
        }

        return result;
    }

    public static List<AuditRequest> Generate(RuleSet ruleSet, int seed, int count, int minLines = 1, int maxLines = 12)
    {
        var random = new Random(seed);
        var items = ruleSet.Knowledge.Items.OrderBy(i => i.Code, StringComparer.Ordinal).ToArray();
        var restricted = items.Where(i => i.Tables != 0).ToArray();
        var byIngredient = items.Where(i => i.Ingredient.Length > 0).GroupBy(i => i.Ingredient, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var requests = new List<AuditRequest>(count);
        for (var n = 0; n < count; n++)
        {
            var stage = (Stage)random.Next(1, 4);
            var kind = (EncounterKind)random.Next(1, 4);
            var day = Orders.Today.AddDays(-random.Next(0, 30));
            var newborn = random.NextDouble() < 0.1;
            var patient = new Patient($"P{random.Next(100_000):D6}", (Sex)random.Next(1, 3),
                day.AddDays(-random.Next(0, newborn ? 60 : 90 * 365)), InsuranceType.Employee, "310000");
            var diagnoses = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Diagnoses[random.Next(Diagnoses.Length)]).ToArray();
            DateOnly? discharged = kind == EncounterKind.Inpatient && random.NextDouble() < 0.5 ? day.AddDays(random.Next(0, 5)) : null;
            var encounter = new Encounter($"E{n}", kind, "H1", random.Next(1, 4), Departments[random.Next(Departments.Length)],
                kind == EncounterKind.Inpatient ? day : null, discharged, diagnoses, "D1");
            var lineCount = random.Next(minLines, maxLines + 1);
            var lines = new List<OrderLine>(lineCount);
            for (var l = 0; l < lineCount; l++)
            {
                var roll = random.NextDouble();
                KbItem? item = roll < 0.08 ? null
                    : roll < 0.18 && lines.Count > 0 ? ruleSet.Knowledge.Lookup(lines[random.Next(lines.Count)].ItemCode)
                    : roll < 0.7 && restricted.Length > 0 ? restricted[random.Next(restricted.Length)]
                    : items[random.Next(items.Length)];
                var date = day.AddDays(random.Next(-1, 7));
                lines.Add(Line(random, l, item, date, encounter.HospitalLevel));
                if (item is { HasExclusivePartners: true } && random.Next(2) == 0 && l + 1 < lineCount)
                {
                    // Pairs that may not be charged together mostly meet on the same day.
                    var partner = item.ExclusivePartners.Keys.Order(StringComparer.Ordinal).ElementAt(random.Next(item.ExclusivePartners.Count));
                    lines.Add(Line(random, ++l, ruleSet.Knowledge.Lookup(partner), date, encounter.HospitalLevel));
                }
                else if (item is { HasContraindications: true } && random.Next(2) == 0 && l + 1 < lineCount)
                {
                    var ingredient = item.Contraindications.Keys.Order(StringComparer.Ordinal).ElementAt(random.Next(item.Contraindications.Count));
                    lines.Add(Line(random, ++l, byIngredient[ingredient], date, encounter.HospitalLevel));
                }
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
        if (item?.MaxDaysChronic is { } chronicDays && random.Next(3) == 0)
        {
            days = (int)Math.Round(Around(random, chronicDays));
        }

        var quantity = item?.IsPerDiem == true ? random.Next(1, 8) : 1 + random.Next(3);
        var at = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        return new OrderLine($"L{index}", code, kind, string.Empty, quantity, price, price, dose, days, at, date)
        {
            Modifiers = random.Next(5) == 0 ? ["59"] : [],
        };
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
