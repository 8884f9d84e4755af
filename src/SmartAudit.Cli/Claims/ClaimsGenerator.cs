using Google.Protobuf.WellKnownTypes;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Knowledge;
using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Claims;

/// <summary>
/// Settled claims for backtests, deterministic by seed: a population of patients and hospitals of three
/// levels, visits spread over a month, lines drawn from the rule set's catalogue with quantities, doses,
/// days and prices mostly within each item's limits and a minority past them. POST stage, in the
/// contract's form, so a file of them is what the settlement system would send.
/// </summary>
internal sealed class ClaimsGenerator(RuleSet ruleSet, int seed)
{
    private readonly Random _random = new(seed);
    private readonly KbItem[] _items = [.. ruleSet.Knowledge.Items.OrderBy(i => i.Code, StringComparer.Ordinal)];

    public IEnumerable<CheckRequest> Generate(int count, DateOnly month)
    {
        var hospitals = Enumerable.Range(1, 40).Select(i => (Id: $"H{310000 + i}", Level: 1 + (i % 3))).ToArray();
        for (var n = 0; n < count; n++)
        {
            var hospital = hospitals[_random.Next(hospitals.Length)];
            var inpatient = _random.NextDouble() < 0.2;
            var day = month.AddDays(_random.Next(28));
            var birth = day.AddDays(-_random.Next(1, 90 * 365));
            var claim = new CheckRequest
            {
                RequestId = $"C{seed}-{n:D8}",
                Stage = Stage.Post,
                Patient = new Patient
                {
                    Id = $"P{_random.Next(200_000):D6}",
                    Sex = _random.Next(2) == 0 ? Sex.Male : Sex.Female,
                    BirthDate = new Google.Type.Date { Year = birth.Year, Month = birth.Month, Day = birth.Day },
                    InsuranceType = _random.Next(3) == 0 ? InsuranceType.Resident : InsuranceType.Employee,
                    Region = "310000",
                },
                Encounter = new Encounter
                {
                    Id = $"E{seed}-{n:D8}",
                    Kind = inpatient ? EncounterKind.Inpatient : _random.Next(10) == 0 ? EncounterKind.Pharmacy : EncounterKind.Outpatient,
                    HospitalId = hospital.Id,
                    HospitalLevel = hospital.Level,
                    Department = "GEN",
                    DoctorId = $"D{_random.Next(2000):D4}",
                    DiagnosisCodes = { "J06.9" },
                },
            };
            if (inpatient)
            {
                claim.Encounter.AdmissionDate = new Google.Type.Date { Year = day.Year, Month = day.Month, Day = day.Day };
            }

            var lines = 1 + _random.Next(inpatient ? 12 : 5);
            var sex = claim.Patient.Sex == Sex.Male ? Core.Audit.Sex.Male : Core.Audit.Sex.Female;
            var age = day.Year - birth.Year;
            for (var l = 0; l < lines; l++)
            {
                claim.Lines.Add(Line(l, day.AddDays(inpatient ? _random.Next(3) : 0), hospital.Level, sex, age));
            }

            yield return claim;
        }
    }

    private OrderLine Line(int index, DateOnly date, int level, Core.Audit.Sex sex, int age)
    {
        // Most doctors order what fits the patient and the hospital; a minority do not.
        var outside = _random.NextDouble() < 0.03;
        var item = _items[_random.Next(_items.Length)];
        for (var tries = 0; !outside && !Fits(item, sex, age, level) && tries < 20; tries++)
        {
            item = _items[_random.Next(_items.Length)];
        }

        var price = item.PriceCapFen(level) is { } cap ? (long)(cap * (outside ? 1.2 : 0.9)) : 200 + _random.Next(20_000);
        var quantity = 1 + _random.Next(3);
        var line = new OrderLine
        {
            LineId = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ItemCode = item.Code,
            ItemKind = (ItemKind)(int)(item.Kind ?? Core.Audit.ItemKind.Drug),
            Quantity = quantity,
            UnitPriceFen = price,
            AmountFen = price * quantity,
            OrderedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8))),
        };
        if (item.MaxDailyDose is { } dose)
        {
            line.DailyDose = outside ? dose * 1.5 : dose * 0.5;
        }

        if (item.MaxDaysOfSupply is { } days)
        {
            line.DaysOfSupply = outside ? days + 7 : Math.Max(1, days - 2);
        }

        return line;
    }

    private static bool Fits(KbItem item, Core.Audit.Sex sex, int age, int level) =>
        (item.SexOnly is not { } only || only == sex)
        && (item.MinAgeYears is not { } min || age >= min)
        && (item.MaxAgeYears is not { } max || age <= max)
        && (item.MinHospitalLevel is not { } lowest || level >= lowest);
}
