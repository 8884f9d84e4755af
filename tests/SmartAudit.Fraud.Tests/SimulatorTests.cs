using SmartAudit.Core.Audit;
using SmartAudit.Fraud.Simulation;
using SmartAudit.Testing;

namespace SmartAudit.Fraud.Tests;

public class SimulatorTests
{
    private static string Write(IEnumerable<SimulatedClaim> claims)
    {
        using var writer = new StringWriter();
        SimulatedClaimsFile.Write(writer, claims);
        return writer.ToString();
    }

    private static readonly SimulationOptions Tiny = new() { Seed = 11, Patients = 600, Days = 60 };

    [Fact]
    public void Simulate_SameSeed_WritesTheSameFileByteForByte()
    {
        var first = Write(new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Tiny).Run());
        var second = Write(new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Tiny).Run());

        Assert.True(first.Length > 10_000);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Simulate_AnotherSeed_GivesOtherClaims()
    {
        var first = Write(new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Tiny).Run());
        var other = Write(new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Tiny with { Seed = 12 }).Run());

        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Simulate_File_ReadsBackToTheSameClaims()
    {
        var claims = new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Tiny).Run();

        var read = SimulatedClaimsFile.Read(new StringReader(Write(claims)));

        Assert.Equal(claims.Count, read.Count);
        Assert.Equal(Write(claims), Write(read));
    }

    [Fact]
    public void Simulate_Lines_AreCatalogueItemsWithTheCatalogueNamesAndKinds()
    {
        var knowledge = ShippedRules.RuleSet.Knowledge;

        var lines = new ClaimsSimulator(knowledge, Tiny).Run().SelectMany(c => c.Request.Lines).ToList();

        Assert.All(lines, line =>
        {
            var item = knowledge.Lookup(line.ItemCode);
            Assert.True(item.IsKnown, line.ItemCode);
            Assert.Equal(item.Name, line.Name);
            Assert.Equal(item.Kind, line.ItemKind);
            Assert.Equal((long)Math.Round(line.UnitPriceFen * line.Quantity), line.AmountFen);
        });
    }

    [Fact]
    public void Simulate_Claims_AreSettledClaimsInSettlementOrder()
    {
        var claims = new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Tiny).Run();

        Assert.All(claims, c => Assert.Equal(Stage.Post, c.Request.Stage));
        Assert.Equal(claims.OrderBy(c => c.SettledOn).Select(c => c.Request.RequestId), claims.Select(c => c.Request.RequestId));
        Assert.Equal(claims.Count, claims.Select(c => c.Request.RequestId).Distinct().Count());
        Assert.All(claims.Where(c => c.Request.Encounter.Kind == EncounterKind.Inpatient),
            c => Assert.True(c.Request.Encounter.DischargeDate > c.Request.Encounter.AdmissionDate));
    }
}

[Collection(SmallWorldCollection.Name)]
public class SimulatedFundTests(SmallWorld world)
{
    [Fact]
    public void Simulate_Fund_HasEveryFraudPatternAndHonestButUnusualPatients()
    {
        var patterns = world.Claims.GroupBy(c => c.Pattern).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(Enum.GetValues<FraudPattern>(), p => Assert.True(patterns.GetValueOrDefault(p) > 0, $"no {p} claims"));
        var fraudShare = world.Claims.Count(c => c.IsFraud) / (double)world.Claims.Count;
        Assert.InRange(fraudShare, 0.03, 0.15);
    }

    [Fact]
    public void Simulate_Labels_AreNoisyOnPurpose()
    {
        var missed = world.Claims.Count(c => c.IsFraud && !c.Label);
        var accused = world.Claims.Count(c => !c.IsFraud && c.Label);

        Assert.InRange(missed / (double)world.Claims.Count(c => c.IsFraud), 0.03, 0.15);
        Assert.True(accused > 0, "no clean claim is labelled fraud");
    }

    [Fact]
    public void Simulate_SplitAdmission_IsAReadmissionForTheSameDiagnosisWithinDays()
    {
        var byPatient = world.Claims.GroupBy(c => c.Request.Patient.Id).ToDictionary(g => g.Key, g => g.ToList());

        Assert.All(world.Claims.Where(c => c.Pattern == FraudPattern.SplitAdmission), split =>
        {
            var encounter = split.Request.Encounter;
            var earlier = byPatient[split.Request.Patient.Id].Where(c => c.Request.Encounter.Kind == EncounterKind.Inpatient
                && c.Request.Encounter.DischargeDate <= encounter.AdmissionDate
                && c.Request.Encounter.DiagnosisCodes[0] == encounter.DiagnosisCodes[0]).ToList();
            Assert.Contains(earlier, c => encounter.AdmissionDate!.Value.DayNumber - c.Request.Encounter.DischargeDate!.Value.DayNumber <= 3);
        });
    }
}
