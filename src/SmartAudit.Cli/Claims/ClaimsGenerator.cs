using Google.Protobuf.WellKnownTypes;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Knowledge;
using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Claims;

/// <summary>
/// Settled claims for backtests, deterministic by seed: a population of patients and hospitals of three
/// levels, visits spread over a month (a patient comes back several times: about five claims per patient),
/// diagnoses and departments from a common pool, stays with admission and discharge dates and their bed-days,
/// lines drawn from the rule set's catalogue with quantities, doses, days and prices mostly within each
/// item's limits and a minority past them. POST stage, in the contract's form, so a file of them is what
/// the settlement system would send.
/// </summary>
internal sealed class ClaimsGenerator(RuleSet ruleSet, int seed)
{
    private static readonly string[] Diagnoses = ["J06.9", "I10", "E11.9", "E78.5", "I25.1", "I63.9", "K29.7", "M81.0", "J18.9", "C34.9", "F20.0", "N18.3"];
    private static readonly string[] Departments = ["A02", "A03", "A03.04", "A04", "A07", "A19", "A15"];

    private readonly Random _random = new(seed);
    private readonly KbItem[] _items = [.. ruleSet.Knowledge.Items.OrderBy(i => i.Code, StringComparer.Ordinal)];
    private readonly KbItem[] _bedDays = [.. ruleSet.Knowledge.Items.Where(i => i.PerDiemUnit == "bed").OrderBy(i => i.Code, StringComparer.Ordinal)];

    public IEnumerable<CheckRequest> Generate(int count, DateOnly month)
    {
        var hospitals = Enumerable.Range(1, 40).Select(i => (Id: $"H{310000 + i}", Level: 1 + (i % 3))).ToArray();
        var patients = Math.Max(100, count / 5);
        for (var n = 0; n < count; n++)
        {
            var inpatient = _random.NextDouble() < 0.2;
            var day = month.AddDays(_random.Next(28));
            // A patient is the same person every time: sex, birth date and insurance follow from the id.
            var patientNumber = _random.Next(patients);
            var person = new Random(unchecked((seed * 1_000_003) + patientNumber));
            var birth = month.AddDays(-person.Next(1, 90 * 365));
            var male = person.Next(2) == 0;
            var resident = person.Next(3) == 0;
            // Most visits go to the patient's own one or two hospitals; one in ten goes elsewhere.
            var home = hospitals[person.Next(hospitals.Length)];
            var second = hospitals[person.Next(hospitals.Length)];
            var hospital = _random.Next(10) switch { 0 => hospitals[_random.Next(hospitals.Length)], < 4 => second, _ => home };
            var claim = new CheckRequest
            {
                RequestId = $"C{seed}-{n:D8}",
                Stage = Stage.Post,
                Patient = new Patient
                {
                    Id = $"P{patientNumber:D6}",
                    Sex = male ? Sex.Male : Sex.Female,
                    BirthDate = new Google.Type.Date { Year = birth.Year, Month = birth.Month, Day = birth.Day },
                    InsuranceType = resident ? InsuranceType.Resident : InsuranceType.Employee,
                    Region = "310000",
                },
                Encounter = new Encounter
                {
                    Id = $"E{seed}-{n:D8}",
                    Kind = inpatient ? EncounterKind.Inpatient : _random.Next(10) == 0 ? EncounterKind.Pharmacy : EncounterKind.Outpatient,
                    HospitalId = hospital.Id,
                    HospitalLevel = hospital.Level,
                    Department = Departments[_random.Next(Departments.Length)],
                    DoctorId = $"D{_random.Next(2000):D4}",
                    DiagnosisCodes = { Diagnoses[_random.Next(Diagnoses.Length)] },
                },
            };
            if (_random.Next(3) == 0)
            {
                claim.Encounter.DiagnosisCodes.Add(Diagnoses[_random.Next(Diagnoses.Length)]);
            }

            var stay = inpatient ? 2 + _random.Next(9) : 0;
            if (inpatient)
            {
                var discharge = day.AddDays(stay);
                claim.Encounter.AdmissionDate = new Google.Type.Date { Year = day.Year, Month = day.Month, Day = day.Day };
                claim.Encounter.DischargeDate = new Google.Type.Date { Year = discharge.Year, Month = discharge.Month, Day = discharge.Day };
            }

            var lines = 1 + _random.Next(inpatient ? 12 : 5);
            var patient = new Core.Audit.Patient(claim.Patient.Id, claim.Patient.Sex == Sex.Male ? Core.Audit.Sex.Male : Core.Audit.Sex.Female,
                birth, Core.Audit.InsuranceType.Employee, "310000");
            var encounter = new Core.Audit.Encounter(claim.Encounter.Id, Core.Audit.EncounterKind.Outpatient, hospital.Id, hospital.Level,
                claim.Encounter.Department, null, null, [.. claim.Encounter.DiagnosisCodes], claim.Encounter.DoctorId);
            for (var l = 0; l < lines; l++)
            {
                claim.Lines.Add(Line(l, day.AddDays(inpatient ? _random.Next(stay) : 0), patient, encounter));
            }

            if (inpatient && _bedDays.Length > 0)
            {
                // Bed-days for the stay; now and then one too many.
                var bed = _bedDays[_random.Next(_bedDays.Length)];
                var price = bed.PriceCapFen(hospital.Level) ?? 4000;
                var days = stay + (_random.NextDouble() < 0.03 ? 1 : 0);
                claim.Lines.Add(new OrderLine
                {
                    LineId = (lines + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ItemCode = bed.Code,
                    ItemKind = ItemKind.Service,
                    Quantity = days,
                    UnitPriceFen = price,
                    AmountFen = price * days,
                    OrderedAt = At(day),
                });
            }

            yield return claim;
        }
    }

    private OrderLine Line(int index, DateOnly date, Core.Audit.Patient patient, Core.Audit.Encounter encounter)
    {
        // Most doctors order what fits the patient, the diagnosis, the department and the hospital; a minority do not.
        var level = encounter.HospitalLevel;
        var outside = _random.NextDouble() < 0.03;
        var item = _items[_random.Next(_items.Length)];
        for (var tries = 0; !outside && !Fits(item, patient, encounter, date) && tries < 40; tries++)
        {
            item = _items[_random.Next(_items.Length)];
        }

        var price = item.PriceCapFen(level) is { } cap ? (long)(cap * (outside ? 1.2 : 0.9)) : 200 + _random.Next(20_000);
        var quantity = 1 + _random.Next(3);
        if (!outside && item.MaxPerDay is { } perDay)
        {
            quantity = Math.Min(quantity, Math.Max(1, (int)perDay));
        }
        var line = new OrderLine
        {
            LineId = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ItemCode = item.Code,
            ItemKind = (ItemKind)(int)(item.Kind ?? Core.Audit.ItemKind.Drug),
            Quantity = quantity,
            UnitPriceFen = price,
            AmountFen = price * quantity,
            OrderedAt = At(date),
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

    private static Timestamp At(DateOnly date) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)));

    private static bool Fits(KbItem item, Core.Audit.Patient patient, Core.Audit.Encounter encounter, DateOnly date)
    {
        var age = date.Year - patient.BirthDate.Year;
        var days = date.DayNumber - patient.BirthDate.DayNumber;
        return (item.SexOnly is not { } only || only == patient.Sex)
            && (item.MinAgeYears is not { } min || age >= min)
            && (item.MaxAgeYears is not { } max || age <= max)
            && (item.MinAgeDays is not { } minDays || days >= minDays)
            && (item.MaxAgeDays is not { } maxDays || days <= maxDays)
            && (item.MinHospitalLevel is not { } lowest || encounter.HospitalLevel >= lowest)
            && item.DepartmentAllows(encounter.Department)
            && !item.IsPerDiem
            && (item.IndicationPrefixes.Count == 0 || encounter.DiagnosisCodes.Any(d => item.IndicationPrefixes.Any(p => d.StartsWith(p, StringComparison.OrdinalIgnoreCase))));
    }
}
