using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Fraud.Features;
using SmartAudit.Fraud.Scoring;
using SmartAudit.Testing;

namespace SmartAudit.Fraud.Tests;

[Collection(SmallWorldCollection.Name)]
public class FeatureTests(SmallWorld world)
{
    [Fact]
    public void FeatureCount_IsTheNumberOfFeatures()
    {
        Assert.Equal(FraudFeatures.Count, Enum.GetValues<FraudFeature>().Length);
        Assert.All(FraudFeatures.All, f => Assert.False(string.IsNullOrWhiteSpace(FraudFeatures.Describe(f))));
    }

    /// <summary>
    /// Training replays claims through the history store and the rules; the server's Auditor meets them
    /// one request at a time. The features the scorer sees in the Auditor must be the ones training saw.
    /// </summary>
    [Fact]
    public async Task Features_InTheServersAuditor_EqualTheFeaturesTrainedOn()
    {
        var model = FraudModel.Load(world.ModelPath);
        var capture = new CapturingScorer(model.Tables);
        var auditor = new Auditor(new ActiveRuleSet(ShippedRules.RuleSet), new NoLog(), new InMemoryPatientHistoryStore(new HistoryOptions()),
            TimeProvider.System, capture);
        var claims = world.Claims.Take(3000).ToList();

        foreach (var claim in claims)
        {
            await auditor.AuditAsync(claim.Request, [], System.Diagnostics.Stopwatch.GetTimestamp(), CancellationToken.None);
        }

        Assert.Equal(claims.Count, capture.Features.Count);
        var withHistory = 0;
        for (var i = 0; i < claims.Count; i++)
        {
            var trained = world.Examples[i].Features(model.Tables);
            Assert.Equal(trained, capture.Features[i]);
            withHistory += trained[(int)FraudFeature.Visits90Days] > 0 ? 1 : 0;
        }

        Assert.True(withHistory > claims.Count / 8, $"only {withHistory} of {claims.Count} claims have history: too few to prove anything");
    }

    [Fact]
    public void Features_History_CountsEarlierVisitsHospitalsAndDischarges()
    {
        var request = Orders.Request(Stage.Post, encounter: Orders.Encounter(EncounterKind.Inpatient) with
        {
            Id = "E9",
            HospitalId = "H1",
            Department = "RESP",
            AdmissionDate = Orders.Today,
            DischargeDate = Orders.Today.AddDays(4),
            DiagnosisCodes = ["J18.9"],
        }, lines: Orders.Line("120100001000000", kind: ItemKind.Service, quantity: 4));
        var history = new PatientHistory(
        [
            Earlier("E8", "H1", "RESP", daysBefore: 5, stay: 3, EncounterKind.Inpatient, "J18.9"),
            Earlier("E7", "H2", "GEN", daysBefore: 20),
            Earlier("E6", "H3", "GEN", daysBefore: 60),
            Earlier("E5", "H1", "RESP", daysBefore: 200),
        ], []);

        var features = FeatureExtractor.Compute(request, history, [], EmptyTables());

        Assert.Equal(2, features[(int)FraudFeature.Visits30Days]);
        Assert.Equal(3, features[(int)FraudFeature.Visits90Days]);
        Assert.Equal(2, features[(int)FraudFeature.Hospitals30Days]);
        Assert.Equal(3, features[(int)FraudFeature.Hospitals90Days]);
        Assert.Equal(1, features[(int)FraudFeature.SameProviderVisits30Days]);
        Assert.Equal(2, features[(int)FraudFeature.DaysSinceLastDischarge]);
        Assert.Equal(2, features[(int)FraudFeature.DaysSinceSameDiagnosisDischarge]);
        Assert.Equal(4, features[(int)FraudFeature.LengthOfStayDays]);
        Assert.Equal(1, features[(int)FraudFeature.IsInpatient]);
    }

    [Fact]
    public void Features_SameEncounterAlreadyInHistory_IsNotCountedAsAnEarlierVisit()
    {
        var request = Orders.Request(Stage.Post, encounter: Orders.Encounter() with { Id = "E1", AdmissionDate = Orders.Today },
            lines: Orders.Line("XN02BEA020A001"));
        var history = new PatientHistory([Earlier("E1", "H310101", "GEN", daysBefore: 0) with { StartDate = Orders.Today.AddDays(-1) }], []);

        var features = FeatureExtractor.Compute(request, history, [], EmptyTables());

        Assert.Equal(0, features[(int)FraudFeature.Visits30Days]);
    }

    [Fact]
    public void Features_ProviderAndDoctorTheTablesDoNotKnow_AreLikeTheirPeers()
    {
        var features = FeatureExtractor.Compute(Orders.Request(Stage.Post, lines: Orders.Line("XN02BEA020A001")), PatientHistory.Empty, [], EmptyTables());

        Assert.Equal(1, features[(int)FraudFeature.ProviderDrugShareRatio]);
        Assert.Equal(1, features[(int)FraudFeature.ProviderAmountRatio]);
        Assert.Equal(1, features[(int)FraudFeature.DoctorClaimsPerPatientRatio]);
        Assert.Equal(FraudFeatures.NoEarlierStay, features[(int)FraudFeature.DaysSinceLastDischarge]);
    }

    [Fact]
    public void Features_RuleFindings_CountActiveOnesAndTheLinesTheyName()
    {
        var request = Orders.Request(Stage.Post, lines: [Orders.Line("XN02BEA020A001", "1"), Orders.Line("XN02BEA020A001", "2"), Orders.Line("250101001000000", "3", ItemKind.Service), Orders.Line("XA02BCA075A001", "4")]);
        Finding[] findings =
        [
            new("R1", "DUPLICATE_CHARGE", Severity.Warn, Certainty.Suspected, "m", "m", ["1", "2"]),
            new("R2", "ON_TRIAL", Severity.Warn, Certainty.Suspected, "m", "m", ["3"], Silent: true),
        ];

        var features = FeatureExtractor.Compute(request, PatientHistory.Empty, findings, EmptyTables());

        Assert.Equal(1, features[(int)FraudFeature.RuleFindings]);
        Assert.Equal(0.5f, features[(int)FraudFeature.RuleFlaggedLineShare]);
    }

    [Fact]
    public void ReferenceTables_RoundTripThroughJson_Unchanged()
    {
        var tables = FraudModel.Load(world.ModelPath).Tables;

        var read = ReferenceTables.FromUtf8(tables.ToUtf8());

        Assert.Equal(tables.ToUtf8(), read.ToUtf8());
        Assert.NotEmpty(read.Providers);
        Assert.NotEmpty(read.Doctors);
    }

    [Fact]
    public void ReferenceTables_SubstitutingHospital_DrawsMoreOnAtypicalItemsThanItsPeers()
    {
        var tables = FraudModel.Load(world.ModelPath).Tables;
        var substituting = world.Claims.Where(c => c.Pattern == Simulation.FraudPattern.Substitution)
            .GroupBy(c => ReferenceTables.ProviderKey(c.Request.Encounter.HospitalId, c.Request.Encounter.Department))
            .OrderByDescending(g => g.Count()).First().Key;

        Assert.True(tables.Providers[substituting].AtypicalShareRatio > 1.5, $"{substituting}: {tables.Providers[substituting]}");
    }

    private static HistoryEncounter Earlier(string id, string hospital, string department, int daysBefore, int stay = 0,
        EncounterKind kind = EncounterKind.Outpatient, string diagnosis = "J06.9") =>
        new(id, kind, hospital, department, Orders.Today.AddDays(-daysBefore), kind == EncounterKind.Inpatient ? Orders.Today.AddDays(-daysBefore + stay) : null, [diagnosis]);

    private static ReferenceTables EmptyTables() => new(ReferenceTables.SchemaV1, "none",
        new Dictionary<string, ItemNorm>(), new Dictionary<string, DiagnosisNorm>(), new Dictionary<string, ProviderProfile>(), new Dictionary<string, ProviderProfile>());

    /// <summary>Records the features of what the Auditor hands the scorer; scores nothing.</summary>
    private sealed class CapturingScorer(ReferenceTables tables) : IFraudScorer
    {
        public List<float[]> Features { get; } = [];

        public bool Scores(Stage stage) => true;

        public FraudOutcome Score(AuditRequest request, PatientHistory history, IReadOnlyList<Finding> findings)
        {
            Features.Add(FeatureExtractor.Compute(request, history, findings, tables));
            return FraudOutcome.NotScored;
        }
    }

    private sealed class NoLog : IDecisionLog
    {
        public void Append(Decision decision)
        {
        }

        public void Append(Feedback feedback)
        {
        }
    }
}
