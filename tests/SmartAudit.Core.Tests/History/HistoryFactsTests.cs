using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests.History;

/// <summary>
/// ctx.History answers the same whichever way it works them out: distinct hospitals past the few it counts
/// in place, and questions by item or ingredient past the few it answers by scanning before it indexes.
/// </summary>
public class HistoryFactsTests
{
    private const string Saline = "XB05BBN001A001";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(20)]
    public void HospitalsWithin_ManyHospitals_CountsEachOnceWithThisOne(int others)
    {
        // Each other hospital visited twice (a fresh string each time), plus this request's own hospital,
        // the request's own encounter and a visit outside the window, none of which adds a hospital.
        var encounters = new List<HistoryEncounter>();
        for (var i = 0; i < others; i++)
        {
            encounters.Add(Visit($"V{i}a", $"H{i}", Orders.Today.AddDays(-i % 20)));
            encounters.Add(Visit($"V{i}b", string.Concat("H", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Orders.Today.AddDays(-1)));
        }

        encounters.Add(Visit("V-own-hospital", Orders.Encounter().HospitalId, Orders.Today.AddDays(-2)));
        encounters.Add(Visit(Orders.Encounter().Id, "H-this-encounter", Orders.Today));
        encounters.Add(Visit("V-old", "H-long-ago", Orders.Today.AddDays(-60)));

        var history = History(encounters, []);

        Assert.Equal(others + 1, history.HospitalsWithin(30));
        Assert.Equal(2 * others + 2, history.VisitsWithin(30));
    }

    [Fact]
    public void QuantityWithinAndSupplyCovering_ManyQuestions_AnswerAsTheFirstOnes()
    {
        var lines = new List<HistoryLine>();
        for (var i = 0; i < 40; i++)
        {
            lines.Add(new HistoryLine($"V{i}", "H1", $"ITEM{i % 6}", $"ing{i % 5}", Orders.Today.AddDays(-(i % 30)), 0.1 * (i + 1), i % 12));
        }

        lines.Add(new HistoryLine(Orders.Encounter().Id, "H1", "ITEM0", "ing0", Orders.Today, 100, 30));

        // One fresh history per question gives the scanned answers; one history asked everything in turn
        // scans the first few and indexes the rest.
        var asked = History([], lines);
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 6; k++)
            {
                var date = Orders.Today.AddDays(-3 * round);
                Assert.Equal(History([], lines).QuantityWithin($"ITEM{k}", 10 + round, date), asked.QuantityWithin($"ITEM{k}", 10 + round, date));
                Assert.Same(History([], lines).SupplyCovering($"ing{k}", date), asked.SupplyCovering($"ing{k}", date));
            }
        }
    }

    private static HistoryEncounter Visit(string id, string hospital, DateOnly date) =>
        new(id, EncounterKind.Outpatient, hospital, "GEN", date, null, ["J06.9"]);

    private static HistoryFacts History(List<HistoryEncounter> encounters, List<HistoryLine> lines)
    {
        var (ctx, _) = AuditEngine.Facts(ShippedRules.RuleSet, Orders.Request(Stage.Mid, null, null, Orders.Line(Saline)), new PatientHistory(encounters, lines));
        return ctx.History;
    }
}
