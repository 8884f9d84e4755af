using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using Xunit;

namespace SmartAudit.Testing.History;

/// <summary>
/// What every patient history store must do, as tests: the in-memory store and the Redis store each run
/// them by deriving from this class and saying how to make a fresh store with given bounds.
/// </summary>
public abstract class PatientHistoryStoreContract
{
    protected static readonly DateOnly Day = new(2026, 3, 10);

    /// <summary>A store with nothing in it, bounded by <paramref name="options"/>; patient ids are unique per test.</summary>
    protected abstract Task<IPatientHistoryStore> CreateStoreAsync(HistoryOptions options);

    protected static string NewPatientId() => "P-" + Guid.NewGuid().ToString("N")[..12];

    public static HistoryEntry Visit(string patientId, string encounterId, DateOnly date, string hospitalId = "H1",
        EncounterKind kind = EncounterKind.Outpatient, DateOnly? discharged = null, string diagnosis = "J06.9", params HistoryLine[] lines) =>
        new(patientId, new HistoryEncounter(encounterId, kind, hospitalId, "A03", date, discharged, [diagnosis]), lines);

    public static HistoryLine Dispensed(string encounterId, string itemCode, DateOnly date, int daysOfSupply = 7, string ingredient = "", double quantity = 1,
        string hospitalId = "H1") =>
        new(encounterId, hospitalId, itemCode, ingredient, date, quantity, daysOfSupply);

    [Fact]
    public async Task Get_UnknownPatient_IsEmpty()
    {
        var store = await CreateStoreAsync(new HistoryOptions());

        var history = await store.GetAsync(NewPatientId(), CancellationToken.None);

        Assert.True(history.IsEmpty);
    }

    [Fact]
    public async Task Record_ThenGet_ReturnsEncountersAndLinesNewestFirst()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        var patient = NewPatientId();
        await store.RecordAsync(Visit(patient, "E1", Day.AddDays(-20), lines: Dispensed("E1", "X1", Day.AddDays(-20), ingredient: "ING1")), CancellationToken.None);
        await store.RecordAsync(Visit(patient, "E2", Day.AddDays(-5), "H2", lines: [Dispensed("E2", "X2", Day.AddDays(-5), 30, "ING2", 2, "H2"), Dispensed("E2", "X3", Day.AddDays(-5))]),
            CancellationToken.None);

        var history = await store.GetAsync(patient, CancellationToken.None);

        Assert.Equal(["E2", "E1"], history.Encounters.Select(e => e.EncounterId));
        Assert.Equal("H2", history.Encounters[0].HospitalId);
        Assert.Equal(["J06.9"], history.Encounters[0].DiagnosisCodes);
        Assert.Equal(3, history.Lines.Count);
        Assert.Equal("E1", history.Lines[2].EncounterId);
        var x2 = Assert.Single(history.Lines, l => l.ItemCode == "X2");
        Assert.Equal(("ING2", 30, 2.0, "H2", Day.AddDays(-5)), (x2.Ingredient, x2.DaysOfSupply, x2.Quantity, x2.HospitalId, x2.ServiceDate));
    }

    [Fact]
    public async Task Record_SameEncounterAgain_ReplacesItsLines()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        var patient = NewPatientId();
        await store.RecordAsync(Visit(patient, "E1", Day, lines: [Dispensed("E1", "X1", Day), Dispensed("E1", "X2", Day)]), CancellationToken.None);

        await store.RecordAsync(Visit(patient, "E1", Day, lines: Dispensed("E1", "X3", Day)), CancellationToken.None);
        var history = await store.GetAsync(patient, CancellationToken.None);

        Assert.Single(history.Encounters);
        Assert.Equal(["X3"], history.Lines.Select(l => l.ItemCode));
    }

    [Fact]
    public async Task Record_InpatientStay_KeepsAdmissionAndDischarge()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        var patient = NewPatientId();

        await store.RecordAsync(Visit(patient, "S1", Day.AddDays(-12), kind: EncounterKind.Inpatient, discharged: Day.AddDays(-3), diagnosis: "I63.9"), CancellationToken.None);
        var stay = Assert.Single((await store.GetAsync(patient, CancellationToken.None)).Encounters);

        Assert.Equal((EncounterKind.Inpatient, Day.AddDays(-12), (DateOnly?)Day.AddDays(-3), "I63.9"), (stay.Kind, stay.StartDate, stay.EndDate, stay.DiagnosisCodes[0]));
    }

    [Fact]
    public async Task Record_BeyondRetention_DropsWhatIsOlder()
    {
        var store = await CreateStoreAsync(new HistoryOptions { RetentionDays = 90 });
        var patient = NewPatientId();
        await store.RecordAsync(Visit(patient, "OLD", Day.AddDays(-200), lines: Dispensed("OLD", "X1", Day.AddDays(-200))), CancellationToken.None);

        await store.RecordAsync(Visit(patient, "NEW", Day, lines: Dispensed("NEW", "X2", Day)), CancellationToken.None);
        var history = await store.GetAsync(patient, CancellationToken.None);

        Assert.Equal(["NEW"], history.Encounters.Select(e => e.EncounterId));
        Assert.Equal(["X2"], history.Lines.Select(l => l.ItemCode));
    }

    [Fact]
    public async Task Record_ManyEncounters_KeepsOnlyTheNewestWithinTheCaps()
    {
        var store = await CreateStoreAsync(new HistoryOptions { MaxEncounters = 5, MaxLines = 8 });
        var patient = NewPatientId();
        for (var i = 0; i < 20; i++)
        {
            var id = $"E{i:00}";
            await store.RecordAsync(Visit(patient, id, Day.AddDays(i - 20), lines: [Dispensed(id, "A", Day.AddDays(i - 20)), Dispensed(id, "B", Day.AddDays(i - 20))]),
                CancellationToken.None);
        }

        var history = await store.GetAsync(patient, CancellationToken.None);

        Assert.Equal(["E19", "E18", "E17", "E16", "E15"], history.Encounters.Select(e => e.EncounterId));
        Assert.Equal(8, history.Lines.Count);
        Assert.All(history.Lines, l => Assert.True(string.CompareOrdinal(l.EncounterId, "E16") >= 0));
    }

    [Fact]
    public async Task Record_ConcurrentEncountersOfOnePatient_LosesNone()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        var patient = NewPatientId();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            await store.RecordAsync(Visit(patient, $"E{i:00}", Day.AddDays(-i), lines: Dispensed($"E{i:00}", "X", Day.AddDays(-i))), CancellationToken.None))));
        var history = await store.GetAsync(patient, CancellationToken.None);

        Assert.Equal(40, history.Encounters.Count);
        Assert.Equal(40, history.Lines.Count);
    }

    [Fact]
    public async Task ReadAndRecord_ReturnsTheHistoryBeforeThisEncounter_AndRecordsIt()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        var patient = NewPatientId();
        await store.RecordAsync(Visit(patient, "E1", Day.AddDays(-3), lines: Dispensed("E1", "X1", Day.AddDays(-3))), CancellationToken.None);

        var exchange = await store.ReadAndRecordAsync(Visit(patient, "E2", Day, lines: Dispensed("E2", "X2", Day)), CancellationToken.None);
        var after = await store.GetAsync(patient, CancellationToken.None);

        Assert.Equal((null, null), (exchange.ReadFailure, exchange.RecordFailure));
        Assert.Equal(["E1"], exchange.History.Encounters.Select(e => e.EncounterId));
        Assert.Equal(["X1"], exchange.History.Lines.Select(l => l.ItemCode));
        Assert.Equal(["E2", "E1"], after.Encounters.Select(e => e.EncounterId));
    }

    [Fact]
    public async Task ReadAndRecord_FirstEncounter_ReadsAnEmptyHistory()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        var patient = NewPatientId();

        var exchange = await store.ReadAndRecordAsync(Visit(patient, "E1", Day), CancellationToken.None);

        Assert.True(exchange.History.IsEmpty);
        Assert.Single((await store.GetAsync(patient, CancellationToken.None)).Encounters);
    }

    [Fact]
    public async Task Patients_AreKeptApart()
    {
        var store = await CreateStoreAsync(new HistoryOptions());
        string first = NewPatientId(), second = NewPatientId();

        await store.RecordAsync(Visit(first, "E1", Day), CancellationToken.None);

        Assert.Single((await store.GetAsync(first, CancellationToken.None)).Encounters);
        Assert.True((await store.GetAsync(second, CancellationToken.None)).IsEmpty);
    }
}
