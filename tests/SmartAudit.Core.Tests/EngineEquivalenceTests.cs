using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>
/// The indexed engine must say exactly what plain RulesEngine says when every rule runs for every line:
/// the index only skips rules that cannot fire.
/// </summary>
public class EngineEquivalenceTests
{
    [Fact]
    public async Task IndexedEngine_OnRandomOrders_FindsExactlyWhatPlainRulesEngineFinds()
    {
        var ruleSet = ShippedRules.RuleSet;
        var baseline = new PlainRulesEngineBaseline(ruleSet);
        var requests = RandomOrders.GenerateWithHistory(ruleSet, seed: 20261123, count: 600);
        var firedRules = new HashSet<string>();

        foreach (var (request, history) in requests)
        {
            var expected = FindingKey.Sorted(await baseline.EvaluateAsync(request, history)).ToList();
            var actual = FindingKey.Sorted(AuditEngine.Evaluate(ruleSet, request, history, null).Findings.Select(FindingKey.Of)).ToList();

            Assert.True(expected.SequenceEqual(actual),
                $"{request.RequestId} ({request.Stage}, {request.Encounter.Kind}): plain RulesEngine found [{string.Join("; ", expected)}], the engine [{string.Join("; ", actual)}]");
            firedRules.UnionWith(actual.Select(f => f.RuleId));
        }

        // The comparison means something only if the orders make every rule fire somewhere.
        Assert.Empty(ruleSet.Rules.Select(r => r.Id).Except(firedRules).Order());
    }

    [Fact]
    public async Task IndexedEngine_OnLongOrders_WherePairsAreGrouped_FindsExactlyWhatPlainRulesEngineFinds()
    {
        // Above 32 lines the engine groups lines by item and ingredient instead of scanning every earlier line.
        var ruleSet = ShippedRules.RuleSet;
        var baseline = new PlainRulesEngineBaseline(ruleSet);

        foreach (var (request, history) in RandomOrders.GenerateWithHistory(ruleSet, seed: 77, count: 30, minLines: 33, maxLines: 45))
        {
            var expected = FindingKey.Sorted(await baseline.EvaluateAsync(request, history)).ToList();
            var actual = FindingKey.Sorted(AuditEngine.Evaluate(ruleSet, request, history, null).Findings.Select(FindingKey.Of)).ToList();

            Assert.True(expected.SequenceEqual(actual), $"{request.RequestId}: plain RulesEngine found [{string.Join("; ", expected)}], the engine [{string.Join("; ", actual)}]");
        }
    }

    [Fact]
    public void RandomOrders_SameSeed_SameRequests()
    {
        var first = RandomOrders.Generate(ShippedRules.RuleSet, seed: 7, count: 20);
        var second = RandomOrders.Generate(ShippedRules.RuleSet, seed: 7, count: 20);

        Assert.Equal(first.Select(r => string.Join("|", r.Lines)), second.Select(r => string.Join("|", r.Lines)));
    }
}
