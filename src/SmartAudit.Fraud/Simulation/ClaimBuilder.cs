using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Fraud.Simulation;

/// <summary>
/// Bills a planned visit: honest care from the disease's treatment (with the odd honest mistake a rule
/// would catch), then whatever the provider or the doctor does wrong. One visit can become two claims (a
/// split stay) or gain a visit that never happened (phantom billing).
/// </summary>
internal sealed class ClaimBuilder(KnowledgeBase knowledge, Random random, SimulatedWorld world)
{
    /// <summary>Share of honest lines with a mistake past a catalogue limit (price cap, dose, days).</summary>
    private const double HonestMistakeRate = 0.015;

    public IEnumerable<ClaimDraft> Build(Visit visit)
    {
        if (visit.Pattern == FraudPattern.CollusionRing)
        {
            yield return RingClaim(visit);
            yield break;
        }

        var scheme = visit.Provider.Scheme;
        var age = visit.Person.AgeOn(visit.Start);
        if (scheme.HasFlag(ProviderScheme.Upcoding) && visit.Stay == 0 && age >= 18
            && visit.Disease.Code is "J06.9" or "K29.7" && Chance(0.6))
        {
            yield return Upcoded(visit);
            yield break;
        }

        var draft = Treat(visit);
        if (draft.Lines.Count == 0)
        {
            yield break;
        }

        if (scheme.HasFlag(ProviderScheme.SplitAdmissions) && visit.Stay >= 5 && Chance(0.7))
        {
            var (first, second) = Split(draft, visit);
            yield return first;
            yield return second;
            yield break;
        }

        if (scheme.HasFlag(ProviderScheme.Substitution) && Chance(0.5) && Substitute(draft, visit.Provider.Level))
        {
            draft.Pattern = FraudPattern.Substitution;
        }
        else if (scheme.HasFlag(ProviderScheme.PhantomServices) && Chance(0.3))
        {
            AddPhantomServices(draft, visit);
            draft.Pattern = FraudPattern.PhantomService;
        }
        else if (world.OverPrescribers.Contains(visit.DoctorId) && Chance(0.5) && Inflate(draft))
        {
            draft.Pattern = FraudPattern.ExcessQuantity;
        }

        yield return draft;

        if (scheme.HasFlag(ProviderScheme.PhantomServices) && visit.Stay == 0 && Chance(0.2))
        {
            yield return Fabricated(visit);
        }
    }

    /// <summary>Honest care: the disease's items the doctor orders for this patient at this hospital.</summary>
    private ClaimDraft Treat(Visit visit)
    {
        var draft = NewDraft(visit, visit.Stay > 0 ? EncounterKind.Inpatient : KindAt(visit.Provider), visit.Start, visit.Stay, visit.Disease.Code);
        var age = visit.Person.AgeOn(visit.Start);
        foreach (var item in visit.Disease.Items)
        {
            var kb = knowledge.Lookup(item.ItemCode);
            if ((visit.Provider.IsPharmacy && kb.Kind != ItemKind.Drug)
                || (item.AdultsOnly && age < 18) || (item.ChildrenOnly && age >= 14)
                || (kb.MinHospitalLevel is { } min && min > visit.Provider.Level)
                || !Chance(item.Probability))
            {
                continue;
            }

            var quantity = random.Next(item.MinQuantity, item.MaxQuantity + 1) * (item.PerDay ? Math.Max(1, visit.Stay) : 1);
            var date = visit.Stay > 0 && !item.PerDay ? visit.Start.AddDays(random.Next(visit.Stay)) : visit.Start;
            draft.Lines.Add(new DraftLine(item.ItemCode, quantity, Price(item.ItemCode, visit.Provider.Level, atCap: false),
                Dose(kb, item.DoseShare), Days(kb, item), date));
        }

        if (draft.Lines.Count == 0 && !visit.Provider.IsPharmacy)
        {
            draft.Lines.Add(new DraftLine(ClinicalCatalogue.Consultation, 1, Price(ClinicalCatalogue.Consultation, visit.Provider.Level, false), 0, 0, visit.Start));
        }

        if (visit.Person.Unusual == UnusualKind.MultiMorbid)
        {
            draft.Diagnoses.AddRange(visit.Person.Chronic.Select(d => d.Code).Where(c => c != visit.Disease.Code));
        }

        return draft;
    }

    /// <summary>A ring member's fill: the longest supply of one or two chronic drugs, several packs each.</summary>
    private ClaimDraft RingClaim(Visit visit)
    {
        var draft = NewDraft(visit, KindAt(visit.Provider), visit.Start, 0, visit.Disease.Code);
        if (!visit.Provider.IsPharmacy)
        {
            draft.Lines.Add(new DraftLine(ClinicalCatalogue.Consultation, 1, Price(ClinicalCatalogue.Consultation, visit.Provider.Level, false), 0, 0, visit.Start));
        }

        var drugs = ClinicalCatalogue.RingDrugs.Where(d => visit.Person.Sex == Sex.Male || d != ClinicalCatalogue.Tamsulosin).ToArray();
        var count = 1 + random.Next(2);
        for (var i = 0; i < count; i++)
        {
            var code = drugs[random.Next(drugs.Length)];
            if (draft.Lines.Any(l => l.ItemCode == code))
            {
                continue;
            }

            var kb = knowledge.Lookup(code);
            draft.Lines.Add(new DraftLine(code, 3 + random.Next(4), Price(code, visit.Provider.Level, false),
                kb.MaxDailyDose is { } max ? max * 0.8 : 0, kb.MaxDaysOfSupply ?? 30, visit.Start));
        }

        draft.Pattern = FraudPattern.CollusionRing;
        return draft;
    }

    /// <summary>升级: a mild outpatient case admitted for two or three days as pneumonia, every service at the price cap.</summary>
    private ClaimDraft Upcoded(Visit visit)
    {
        var stay = 2 + random.Next(2);
        var provider = visit.Provider;
        var draft = NewDraft(visit with { Department = provider.Has("RESP") ? "RESP" : "GEN" }, EncounterKind.Inpatient, visit.Start, stay, "J18.9");
        var level = provider.Level;
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.BedDay, stay, Price(ClinicalCatalogue.BedDay, level, true), 0, 0, visit.Start));
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.Infusion, stay, Price(ClinicalCatalogue.Infusion, level, true), 0, 0, visit.Start));
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.Saline, stay * (1 + random.Next(2)), Price(ClinicalCatalogue.Saline, level, true), 0, 0, visit.Start));
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.InfusionSet, stay, Price(ClinicalCatalogue.InfusionSet, level, true), 0, 0, visit.Start));
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.BloodCount, 1 + random.Next(2), Price(ClinicalCatalogue.BloodCount, level, true), 0, 0, visit.Start));
        var amoxicillin = knowledge.Lookup(ClinicalCatalogue.Amoxicillin);
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.Amoxicillin, 1 + random.Next(2), Price(ClinicalCatalogue.Amoxicillin, level, true),
            (amoxicillin.MaxDailyDose ?? 0) * 0.6, 3 + random.Next(3), visit.Start));
        if (Chance(0.5))
        {
            draft.Lines.Add(new DraftLine(ClinicalCatalogue.CtScan, 1, Price(ClinicalCatalogue.CtScan, level, true), 0, 0, visit.Start.AddDays(1)));
        }

        draft.Pattern = FraudPattern.Upcoding;
        return draft;
    }

    /// <summary>分解住院: the stay is cut in two; the second claim readmits a few days later and examines again.</summary>
    private (ClaimDraft First, ClaimDraft Second) Split(ClaimDraft whole, Visit visit)
    {
        var cut = 2 + random.Next(whole.Stay - 3);
        var gap = 1 + random.Next(3);
        var secondStay = whole.Stay - cut;
        var first = NewDraft(visit, EncounterKind.Inpatient, whole.Start, cut, visit.Disease.Code);
        var second = NewDraft(visit, EncounterKind.Inpatient, whole.Start.AddDays(cut + gap), secondStay, visit.Disease.Code);
        first.Pattern = whole.Pattern;
        second.Pattern = FraudPattern.SplitAdmission;
        var perDay = new HashSet<string>(visit.Disease.Items.Where(i => i.PerDay).Select(i => i.ItemCode), StringComparer.Ordinal);
        foreach (var line in whole.Lines)
        {
            if (perDay.Contains(line.ItemCode))
            {
                var firstQuantity = Math.Max(1, (int)Math.Round(line.Quantity * cut / whole.Stay));
                first.Lines.Add(line with { Quantity = firstQuantity });
                second.Lines.Add(line with { Quantity = Math.Max(1, line.Quantity - firstQuantity), ServiceDate = second.Start });
            }
            else
            {
                first.Lines.Add(line with { ServiceDate = whole.Start.AddDays(Math.Min(cut - 1, line.ServiceDate.DayNumber - whole.Start.DayNumber)) });
                if (line.ItemCode is ClinicalCatalogue.BloodCount or ClinicalCatalogue.CtScan)
                {
                    second.Lines.Add(line with { ServiceDate = second.Start });
                }
            }
        }

        if (second.Lines.Count == 0)
        {
            second.Lines.Add(new DraftLine(ClinicalCatalogue.BedDay, secondStay, Price(ClinicalCatalogue.BedDay, visit.Provider.Level, false), 0, 0, second.Start));
        }

        return (first, second);
    }

    /// <summary>串换: some lines billed as a dearer neighbour. False when nothing on the claim has one.</summary>
    private bool Substitute(ClaimDraft draft, int level)
    {
        var changed = false;
        for (var i = 0; i < draft.Lines.Count; i++)
        {
            var line = draft.Lines[i];
            if (ClinicalCatalogue.DearerSubstitute.TryGetValue(line.ItemCode, out var dearer) && Chance(0.75))
            {
                var kb = knowledge.Lookup(dearer);
                draft.Lines[i] = line with
                {
                    ItemCode = dearer,
                    UnitPriceFen = Price(dearer, level, false),
                    DailyDose = kb.MaxDailyDose is { } max && line.DailyDose > 0 ? max * 0.5 : 0,
                    DaysOfSupply = kb.Kind == ItemKind.Drug ? line.DaysOfSupply : 0,
                };
                changed = true;
            }
        }

        return changed;
    }

    private void AddPhantomServices(ClaimDraft draft, Visit visit)
    {
        var count = 2 + random.Next(2);
        for (var tries = 0; tries < 10 && count > 0; tries++)
        {
            var code = ClinicalCatalogue.PhantomServices[random.Next(ClinicalCatalogue.PhantomServices.Length)];
            if ((code == ClinicalCatalogue.Colposcopy && visit.Person.Sex != Sex.Female) || draft.Lines.Any(l => l.ItemCode == code))
            {
                continue;
            }

            draft.Lines.Add(new DraftLine(code, 1 + random.Next(2), Price(code, visit.Provider.Level, false), 0, 0, visit.Start));
            count--;
        }
    }

    /// <summary>A visit that never happened, a few days after a real one: a consultation and services.</summary>
    private ClaimDraft Fabricated(Visit visit)
    {
        var date = visit.Start.AddDays(2 + random.Next(5));
        var draft = NewDraft(visit, EncounterKind.Outpatient, date, 0, visit.Disease.Code);
        draft.Lines.Add(new DraftLine(ClinicalCatalogue.Consultation, 1, Price(ClinicalCatalogue.Consultation, visit.Provider.Level, false), 0, 0, date));
        AddPhantomServices(draft, visit with { Start = date });
        draft.Pattern = FraudPattern.PhantomService;
        return draft;
    }

    /// <summary>超量: every drug line several times the packs, and the longest supply or past it.</summary>
    private bool Inflate(ClaimDraft draft)
    {
        var changed = false;
        for (var i = 0; i < draft.Lines.Count; i++)
        {
            var line = draft.Lines[i];
            var kb = knowledge.Lookup(line.ItemCode);
            if (kb.Kind != ItemKind.Drug)
            {
                continue;
            }

            var days = kb.MaxDaysOfSupply is { } max
                ? (Chance(0.35) ? max + 7 + random.Next(8) : max)
                : Math.Max(line.DaysOfSupply * 3, 30);
            draft.Lines[i] = line with { Quantity = line.Quantity * (3 + random.Next(4)), DaysOfSupply = days };
            changed = true;
        }

        return changed;
    }

    private static ClaimDraft NewDraft(Visit visit, EncounterKind kind, DateOnly start, int stay, string diagnosis) =>
        new(visit.Person, visit.Provider, visit.Department, visit.DoctorId, kind, start, stay, [diagnosis], visit.Pattern);

    private static EncounterKind KindAt(Provider provider) => provider.IsPharmacy ? EncounterKind.Pharmacy : EncounterKind.Outpatient;

    /// <summary>Unit price: under the level's cap (at it when upcoding; past it by honest mistake), or the list price.</summary>
    private long Price(string code, int level, bool atCap)
    {
        if (knowledge.Lookup(code).PriceCapFen(level) is { } cap)
        {
            if (atCap)
            {
                return cap;
            }

            var share = Chance(HonestMistakeRate) ? 1.15 : 0.80 + (0.18 * random.NextDouble());
            return (long)Math.Round(cap * share / 10) * 10;
        }

        var list = ClinicalCatalogue.ListPriceFen.TryGetValue(code, out var price) ? price : 1000;
        return (long)Math.Round(list * (0.95 + (0.1 * random.NextDouble())));
    }

    private double Dose(KbItem kb, double share)
    {
        if (kb.MaxDailyDose is not { } max || share <= 0)
        {
            return 0;
        }

        return Math.Round(Chance(HonestMistakeRate) ? max * 1.3 : Math.Min(max, max * share * (0.85 + (0.25 * random.NextDouble()))), 1);
    }

    private int Days(KbItem kb, TreatmentItem item)
    {
        if (kb.Kind != ItemKind.Drug || item.MaxDays == 0)
        {
            return 0;
        }

        var days = random.Next(item.MinDays, item.MaxDays + 1);
        if (kb.MaxDaysOfSupply is { } max)
        {
            days = Chance(HonestMistakeRate) ? max + 3 : Math.Min(days, max);
        }

        return days;
    }

    private bool Chance(double probability) => random.NextDouble() < probability;
}

/// <summary>A line being billed: quantity in billing units, money in fen.</summary>
internal sealed record DraftLine(string ItemCode, double Quantity, long UnitPriceFen, double DailyDose, int DaysOfSupply, DateOnly ServiceDate);

/// <summary>A claim being billed; <see cref="ToRequest"/> gives it its ids and the request's shape.</summary>
internal sealed class ClaimDraft(
    Person person,
    Provider provider,
    string department,
    string doctorId,
    EncounterKind kind,
    DateOnly start,
    int stay,
    List<string> diagnoses,
    FraudPattern pattern)
{
    public DateOnly Start { get; } = start;

    public int Stay { get; } = stay;

    public List<string> Diagnoses { get; } = diagnoses;

    public List<DraftLine> Lines { get; } = [];

    public FraudPattern Pattern { get; set; } = pattern;

    public DateOnly SettledOn => kind == EncounterKind.Inpatient ? Start.AddDays(Stay) : Start;

    public AuditRequest ToRequest(string requestId, string encounterId, KnowledgeBase knowledge)
    {
        var lines = new OrderLine[Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = Lines[i];
            var item = knowledge.Lookup(line.ItemCode);
            var orderedAt = new DateTimeOffset(line.ServiceDate.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
            lines[i] = new OrderLine((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), line.ItemCode,
                item.Kind ?? ItemKind.Drug, item.Name, line.Quantity, line.UnitPriceFen, (long)Math.Round(line.UnitPriceFen * line.Quantity),
                line.DailyDose, line.DaysOfSupply, orderedAt, line.ServiceDate);
        }

        return new AuditRequest(
            requestId,
            Stage.Post,
            new Patient(person.Id, person.Sex, person.BirthDate, person.Insurance, "330000"),
            new Encounter(encounterId, kind, provider.Id, provider.Level, department, Start,
                kind == EncounterKind.Inpatient ? Start.AddDays(Stay) : null, [.. Diagnoses], doctorId),
            lines);
    }
}
