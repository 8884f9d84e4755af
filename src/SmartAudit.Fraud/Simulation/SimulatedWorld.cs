using SmartAudit.Core.Audit;

namespace SmartAudit.Fraud.Simulation;

/// <summary>What the simulator builds its population from. Every default is the shipped model's.</summary>
public sealed record SimulationOptions
{
    /// <summary>The seed: the same seed and options give the same claims, byte for byte.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Insured people. Default 16,000 (about 50,000 claims over the default period).</summary>
    public int Patients { get; init; } = 16_000;

    /// <summary>Hospitals of levels 1-3 (pharmacies come on top, one per four hospitals). Default 48.</summary>
    public int Hospitals { get; init; } = 48;

    /// <summary>First day of care. Default 2025-09-01.</summary>
    public DateOnly StartDate { get; init; } = new(2025, 9, 1);

    /// <summary>Days of care simulated. Default 181 (to the end of February 2026).</summary>
    public int Days { get; init; } = 181;

    /// <summary>Share of fraud claims whose label says clean (fraud never caught). Default 0.08.</summary>
    public double MissedFraudRate { get; init; } = 0.08;

    /// <summary>Share of clean claims whose label says fraud (wrongly confirmed). Default 0.004.</summary>
    public double FalseAccusationRate { get; init; } = 0.004;
}

/// <summary>What a provider does wrong, if anything.</summary>
[Flags]
internal enum ProviderScheme
{
    None = 0,
    Substitution = 1,
    PhantomServices = 2,
    Upcoding = 4,
    SplitAdmissions = 8,
}

/// <summary>A hospital of level 1-3, or a retail pharmacy (level 1, department PHARM).</summary>
internal sealed class Provider(string id, int level, bool pharmacy)
{
    public string Id { get; } = id;

    public int Level { get; } = level;

    public bool IsPharmacy { get; } = pharmacy;

    public string[] Departments { get; } = pharmacy ? ["PHARM"] : ClinicalCatalogue.DepartmentsAt(level);

    public ProviderScheme Scheme { get; set; }

    /// <summary>Doctors by department; a pharmacy has pharmacists in PHARM.</summary>
    public Dictionary<string, string[]> Doctors { get; } = new(StringComparer.Ordinal);

    public bool Has(string department) => Array.IndexOf(Departments, department) >= 0;
}

/// <summary>Why an honest patient looks unusual.</summary>
internal enum UnusualKind
{
    None,
    /// <summary>Lymphoma: a dear infusion cycle every three weeks at a level 3 hospital.</summary>
    Cancer,
    /// <summary>Many conditions: frequent visits to several departments.</summary>
    MultiMorbid,
    /// <summary>Moved house half way: a new set of hospitals.</summary>
    Mover,
    /// <summary>Slow recovery: stays twice the usual length.</summary>
    LongStay,
}

internal sealed class Person(string id, Sex sex, DateOnly birthDate, InsuranceType insurance)
{
    public string Id { get; } = id;

    public Sex Sex { get; } = sex;

    public DateOnly BirthDate { get; } = birthDate;

    public InsuranceType Insurance { get; } = insurance;

    public List<Disease> Chronic { get; } = [];

    /// <summary>The usual provider of each level (index 1-3) and the usual pharmacy (index 0).</summary>
    public Provider[] Home { get; set; } = [];

    /// <summary>Where the patient goes after moving (for <see cref="UnusualKind.Mover"/>).</summary>
    public Provider[] MovedHome { get; set; } = [];

    public UnusualKind Unusual { get; set; }

    public int AgeOn(DateOnly date)
    {
        var age = date.Year - BirthDate.Year;
        return BirthDate > date.AddYears(-age) ? age - 1 : age;
    }
}

/// <summary>A collusion ring: a doctor at a clinic or a pharmacy, and the patients who fill for them.</summary>
internal sealed record Ring(Provider Provider, string Department, string DoctorId, Person[] Members);

/// <summary>The population: providers, doctors, patients, and who of them cheats how.</summary>
internal sealed class SimulatedWorld
{
    public required Provider[] Hospitals { get; init; }

    public required Provider[] Pharmacies { get; init; }

    public required Person[] People { get; init; }

    public required Ring[] Rings { get; init; }

    /// <summary>Doctors who prescribe far too much on part of their claims.</summary>
    public required HashSet<string> OverPrescribers { get; init; }

    public Provider[] OfLevel(int level) => [.. Hospitals.Where(h => h.Level == level)];

    public static SimulatedWorld Build(SimulationOptions options, Random random)
    {
        var hospitals = new Provider[options.Hospitals];
        for (var i = 0; i < hospitals.Length; i++)
        {
            // About 45% level 1, 33% level 2, 22% level 3, interleaved so every level has some at any size.
            var level = (i % 9) switch { < 4 => 1, < 7 => 2, _ => 3 };
            hospitals[i] = new Provider($"H{330001 + i}", level, pharmacy: false);
        }

        var pharmacies = new Provider[Math.Max(2, options.Hospitals / 4)];
        for (var i = 0; i < pharmacies.Length; i++)
        {
            pharmacies[i] = new Provider($"Y{330501 + i}", 1, pharmacy: true);
        }

        foreach (var provider in hospitals.Concat(pharmacies))
        {
            foreach (var department in provider.Departments)
            {
                var count = provider.IsPharmacy ? 2 : 1 + random.Next(provider.Level + 1);
                provider.Doctors[department] = [.. Enumerable.Range(1, count).Select(k => $"D{provider.Id[1..]}{department}{k}")];
            }
        }

        AssignSchemes(hospitals, pharmacies, random);
        var people = new Person[options.Patients];
        for (var i = 0; i < people.Length; i++)
        {
            people[i] = NewPerson(i, options, hospitals, pharmacies, random);
        }

        var overPrescribers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doctor in hospitals.SelectMany(h => h.Doctors.Values.SelectMany(d => d)))
        {
            if (random.NextDouble() < 0.04)
            {
                overPrescribers.Add(doctor);
            }
        }

        return new SimulatedWorld
        {
            Hospitals = hospitals,
            Pharmacies = pharmacies,
            People = people,
            Rings = BuildRings(hospitals, pharmacies, people, random),
            OverPrescribers = overPrescribers,
        };
    }

    private static void AssignSchemes(Provider[] hospitals, Provider[] pharmacies, Random random)
    {
        // A few providers per scheme, drawn without repeats; the rest are honest.
        var pool = hospitals.OrderBy(_ => random.Next()).ToList();
        Take(pool, 3, h => true, ProviderScheme.Substitution);
        Take(pool, 3, h => h.Level <= 2, ProviderScheme.PhantomServices);
        Take(pool, 3, h => h.Level >= 2, ProviderScheme.Upcoding);
        Take(pool, 3, h => h.Level >= 2, ProviderScheme.SplitAdmissions);
        pharmacies[random.Next(pharmacies.Length)].Scheme = ProviderScheme.Substitution;
    }

    private static void Take(List<Provider> pool, int count, Func<Provider, bool> eligible, ProviderScheme scheme)
    {
        for (var taken = 0; taken < count;)
        {
            var index = pool.FindIndex(p => eligible(p));
            if (index < 0)
            {
                return;
            }

            pool[index].Scheme = scheme;
            pool.RemoveAt(index);
            taken++;
        }
    }

    private static Person NewPerson(int index, SimulationOptions options, Provider[] hospitals, Provider[] pharmacies, Random random)
    {
        var band = random.NextDouble();
        var age = band switch
        {
            < 0.15 => random.Next(0, 14),
            < 0.25 => random.Next(14, 25),
            < 0.70 => random.Next(25, 60),
            _ => random.Next(60, 91),
        };
        var birth = options.StartDate.AddYears(-age).AddDays(-random.Next(365));
        var sex = random.Next(2) == 0 ? Sex.Male : Sex.Female;
        var person = new Person($"P{index + 1:D6}", sex, birth, random.Next(3) == 0 ? InsuranceType.Resident : InsuranceType.Employee)
        {
            Home = HomeProviders(hospitals, pharmacies, random),
        };

        var elderly = age >= 60;
        AddChronic(person, "I10", age >= 35 && random.NextDouble() < (elderly ? 0.40 : 0.15));
        AddChronic(person, "E11.9", age >= 30 && random.NextDouble() < (elderly ? 0.18 : 0.06));
        AddChronic(person, "E78.5", age >= 40 && random.NextDouble() < 0.10);
        AddChronic(person, "N40", age >= 50 && sex == Sex.Male && random.NextDouble() < 0.20);

        var unusual = random.NextDouble();
        person.Unusual = unusual switch
        {
            < 0.004 when age >= 18 => UnusualKind.Cancer,
            < 0.025 when elderly => UnusualKind.MultiMorbid,
            < 0.045 => UnusualKind.Mover,
            < 0.055 when age >= 18 => UnusualKind.LongStay,
            _ => UnusualKind.None,
        };
        if (person.Unusual == UnusualKind.Mover)
        {
            person.MovedHome = HomeProviders(hospitals, pharmacies, random);
        }

        return person;
    }

    private static void AddChronic(Person person, string code, bool has)
    {
        if (has)
        {
            person.Chronic.Add(ClinicalCatalogue.Find(code));
        }
    }

    private static Provider[] HomeProviders(Provider[] hospitals, Provider[] pharmacies, Random random)
    {
        Provider Pick(int level)
        {
            var candidates = hospitals.Where(h => h.Level == level).ToArray();
            return candidates[random.Next(candidates.Length)];
        }

        return [pharmacies[random.Next(pharmacies.Length)], Pick(1), Pick(2), Pick(3)];
    }

    private static Ring[] BuildRings(Provider[] hospitals, Provider[] pharmacies, Person[] people, Random random)
    {
        var rings = new List<Ring>();
        var adults = people.Where(p => p.Unusual == UnusualKind.None && p.BirthDate.Year < 2000).ToList();
        var settings = new List<(Provider Provider, string Department)>();
        var clinics = hospitals.Where(h => h.Level == 1 && h.Scheme == ProviderScheme.None).ToArray();
        for (var i = 0; i < 2 && clinics.Length > 0; i++)
        {
            settings.Add((clinics[random.Next(clinics.Length)], "GEN"));
        }

        for (var i = 0; i < 2; i++)
        {
            settings.Add((pharmacies[random.Next(pharmacies.Length)], "PHARM"));
        }

        foreach (var (provider, department) in settings)
        {
            // 10 to 18 members in a population of 16,000, in proportion for other sizes.
            var size = Math.Max(4, (int)Math.Round((10 + random.Next(9)) * people.Length / 16_000.0));
            var members = new Person[Math.Min(size, adults.Count)];
            for (var m = 0; m < members.Length; m++)
            {
                var pick = random.Next(adults.Count);
                members[m] = adults[pick];
                adults.RemoveAt(pick);
            }

            var doctors = provider.Doctors[department];
            rings.Add(new Ring(provider, department, doctors[random.Next(doctors.Length)], members));
        }

        return [.. rings];
    }
}
