using SmartAudit.Core.Audit;
using SmartAudit.Core.Knowledge;

namespace SmartAudit.Fraud.Simulation;

/// <summary>
/// Simulated settled claims with fraud labels, deterministic by seed (see docs/model.md). A population of
/// patients with acute episodes, chronic conditions and hospital stays is cared for by hospitals of three
/// levels and by pharmacies over the knowledge base's catalogue; a few providers and doctors cheat in the
/// ways the fund knows (<see cref="FraudPattern"/>), some honest patients look unusual, and the labels are
/// noisy on purpose. Nothing is downloaded: the world is drawn from <see cref="Random"/> with the seed.
/// </summary>
public sealed class ClaimsSimulator
{
    private readonly KnowledgeBase _knowledge;
    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly SimulatedWorld _world;
    private readonly DateOnly _end;
    private readonly List<Visit> _visits = [];

    /// <exception cref="ArgumentException">The catalogue lacks items the simulator treats with.</exception>
    public ClaimsSimulator(KnowledgeBase knowledge, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(knowledge);
        ArgumentNullException.ThrowIfNull(options);
        var missing = ClinicalCatalogue.Check(knowledge);
        if (missing.Count > 0)
        {
            throw new ArgumentException($"the knowledge base lacks items the simulator uses: {string.Join(", ", missing)}", nameof(knowledge));
        }

        _knowledge = knowledge;
        _options = options;
        _random = new Random(options.Seed);
        _world = SimulatedWorld.Build(options, _random);
        _end = options.StartDate.AddDays(options.Days);
    }

    /// <summary>Every claim of the period, in settlement order.</summary>
    public IReadOnlyList<SimulatedClaim> Run()
    {
        foreach (var person in _world.People)
        {
            PlanChronic(person);
            PlanAcute(person);
            PlanStays(person);
        }

        foreach (var ring in _world.Rings)
        {
            PlanRing(ring);
        }

        var builder = new ClaimBuilder(_knowledge, _random, _world);
        var drafts = new List<(DateOnly Settled, int Sequence, ClaimDraft Draft)>();
        foreach (var visit in _visits)
        {
            foreach (var draft in builder.Build(visit))
            {
                drafts.Add((draft.SettledOn, drafts.Count, draft));
            }
        }

        drafts.Sort((a, b) => a.Settled != b.Settled ? a.Settled.CompareTo(b.Settled) : a.Sequence.CompareTo(b.Sequence));
        var claims = new List<SimulatedClaim>(drafts.Count);
        foreach (var (_, _, draft) in drafts)
        {
            if (draft.SettledOn >= _end)
            {
                continue; // settled after the period: not in this extract
            }

            var n = claims.Count + 1;
            var label = draft.Pattern is FraudPattern.None or FraudPattern.HonestUnusual
                ? _random.NextDouble() < _options.FalseAccusationRate
                : _random.NextDouble() >= _options.MissedFraudRate;
            claims.Add(new SimulatedClaim(draft.ToRequest($"S{_options.Seed}-{n:D6}", $"E{_options.Seed}-{n:D6}", _knowledge), draft.Pattern, label));
        }

        return claims;
    }

    private Provider[] HomeOf(Person person, DateOnly date) =>
        person.Unusual == UnusualKind.Mover && date >= _options.StartDate.AddDays(_options.Days / 2) ? person.MovedHome : person.Home;

    private void PlanChronic(Person person)
    {
        foreach (var disease in person.Chronic)
        {
            var level = Math.Max(disease.MinLevel, LevelDraw());
            var interval = person.Unusual == UnusualKind.MultiMorbid ? (14, 18) : (26, 34);
            for (var date = _options.StartDate.AddDays(_random.Next(30)); date < _end; date = date.AddDays(_random.Next(interval.Item1, interval.Item2 + 1)))
            {
                var home = HomeOf(person, date);
                var provider = _random.NextDouble() < 0.3 ? home[0] : home[level];
                AddVisit(person, disease, provider, date, stay: 0);
            }
        }
    }

    private void PlanAcute(Person person)
    {
        var age = person.AgeOn(_options.StartDate);
        var rate = age < 14 ? 0.012 : age >= 60 ? 0.008 : 0.005;
        if (person.Unusual == UnusualKind.MultiMorbid)
        {
            rate *= 3;
        }

        for (var date = NextArrival(_options.StartDate, rate); date < _end; date = NextArrival(date, rate))
        {
            var disease = AcuteDisease(person, date);
            if (disease is null)
            {
                continue;
            }

            var home = HomeOf(person, date);
            AddVisit(person, disease, home[Math.Max(disease.MinLevel, LevelDraw())], date, stay: 0);
        }
    }

    private void PlanStays(Person person)
    {
        var age = person.AgeOn(_options.StartDate);
        if (person.Unusual == UnusualKind.Cancer)
        {
            var lymphoma = ClinicalCatalogue.Find("C83.3");
            for (var date = _options.StartDate.AddDays(_random.Next(21)); date < _end; date = date.AddDays(21))
            {
                AddVisit(person, lymphoma, HomeOf(person, date)[3], date, Stay(lymphoma, person));
            }
        }

        var rate = (age >= 60 ? 0.0012 : 0.0004) * (person.Unusual == UnusualKind.LongStay ? 4 : 1);
        for (var date = NextArrival(_options.StartDate, rate); date < _end; date = NextArrival(date, rate))
        {
            var draw = _random.NextDouble();
            var disease = ClinicalCatalogue.Find(draw < 0.62 ? "J18.9" : draw < 0.94 ? "K35.8" : "B44.1");
            if (age < disease.MinAge)
            {
                continue;
            }

            var level = Math.Max(disease.MinLevel, _random.NextDouble() < 0.6 ? 2 : 3);
            var stay = Stay(disease, person);
            AddVisit(person, disease, HomeOf(person, date)[level], date, stay);
            date = date.AddDays(stay);
        }
    }

    private void PlanRing(Ring ring)
    {
        foreach (var member in ring.Members)
        {
            for (var date = _options.StartDate.AddDays(_random.Next(8)); date < _end; date = date.AddDays(4 + _random.Next(7)))
            {
                _visits.Add(new Visit(member, RingDisease(member), ring.Provider, ring.Department, ring.DoctorId, date, 0, FraudPattern.CollusionRing));
            }
        }
    }

    private Disease RingDisease(Person member)
    {
        var code = _random.Next(4) switch { 0 => "I10", 1 => "E11.9", 2 => "E78.5", _ => "K29.7" };
        return ClinicalCatalogue.Find(code);
    }

    private void AddVisit(Person person, Disease disease, Provider provider, DateOnly date, int stay)
    {
        string department;
        if (provider.IsPharmacy)
        {
            department = "PHARM";
        }
        else if (provider.Has(disease.Department))
        {
            department = disease.Department;
        }
        else
        {
            department = person.AgeOn(date) < 14 ? "PED" : "GEN";
        }

        var doctors = provider.Doctors[department];
        var pattern = person.Unusual == UnusualKind.None ? FraudPattern.None : FraudPattern.HonestUnusual;
        _visits.Add(new Visit(person, disease, provider, department, doctors[_random.Next(doctors.Length)], date, stay, pattern));
    }

    private Disease? AcuteDisease(Person person, DateOnly date)
    {
        var age = person.AgeOn(date);
        var draw = _random.NextDouble();
        var code = draw switch
        {
            < 0.45 => "J06.9",
            < 0.60 => age <= 12 ? "J10.1" : "J06.9",
            < 0.75 => "K29.7",
            < 0.84 => "G47.0",
            < 0.93 => "N76.0",
            _ => "O26.9",
        };
        var disease = ClinicalCatalogue.Find(code);
        return age < disease.MinAge || age > disease.MaxAge || (disease.SexOnly is { } sex && sex != person.Sex) ? null : disease;
    }

    private int LevelDraw()
    {
        var draw = _random.NextDouble();
        return draw < 0.55 ? 1 : draw < 0.85 ? 2 : 3;
    }

    private int Stay(Disease disease, Person person)
    {
        var stay = _random.Next(disease.MinStay, disease.MaxStay + 1);
        return person.Unusual == UnusualKind.LongStay ? stay * 2 : stay;
    }

    private DateOnly NextArrival(DateOnly after, double ratePerDay)
    {
        var days = -Math.Log(1 - _random.NextDouble()) / ratePerDay;
        return days > 400 ? _end : after.AddDays(1 + (int)days);
    }
}

/// <summary>One planned encounter, before it is billed.</summary>
internal sealed record Visit(
    Person Person,
    Disease Disease,
    Provider Provider,
    string Department,
    string DoctorId,
    DateOnly Start,
    int Stay,
    FraudPattern Pattern);
