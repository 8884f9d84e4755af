using BenchmarkDotNet.Attributes;
using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Bench.Engine;

/// <summary>
/// SmartAudit's indexed engine against plain RulesEngine (every rule for every line and pair, as its
/// documentation shows) on the same shipped rules and the same seeded orders. Setup refuses to time
/// anything unless both find exactly the same findings on every order.
/// </summary>
[MemoryDiagnoser]
public class EngineVsPlainRulesEngine
{
    private const int Orders = 64;
    private RuleSet _ruleSet = null!;
    private PlainRulesEngineBaseline _baseline = null!;
    private List<(AuditRequest Request, PatientHistory History)> _requests = null!;
    private int _next;

    [Params(1, 5, 50)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ruleSet = ShippedRules.RuleSet;
        _baseline = new PlainRulesEngineBaseline(_ruleSet);
        _requests = RandomOrders.GenerateWithHistory(_ruleSet, seed: 42, count: Orders, minLines: Lines, maxLines: Lines);
        EquivalenceCheck.Assert(_ruleSet, _baseline, _requests);
    }

    [Benchmark(Baseline = true, Description = "plain RulesEngine")]
    public async Task<int> PlainRulesEngine()
    {
        var (request, history) = _requests[_next++ % Orders];
        return (await _baseline.EvaluateAsync(request, history)).Count;
    }

    [Benchmark(Description = "SmartAudit engine")]
    public int SmartAuditEngine()
    {
        var (request, history) = _requests[_next++ % Orders];
        return AuditEngine.Evaluate(_ruleSet, request, history, null).Findings.Count;
    }
}

/// <summary>
/// The engine's cost per request against the full shipped library (every rule, the 50,000-item catalogue,
/// a patient history per request) as requests grow from 1 to 500 lines.
/// </summary>
[MemoryDiagnoser]
public class EngineLineScaling
{
    private const int Orders = 32;
    private RuleSet _ruleSet = null!;
    private List<(AuditRequest Request, PatientHistory History)> _requests = null!;
    private int _next;

    [Params(1, 5, 50, 500)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ruleSet = ShippedRules.RuleSet;
        _requests = RandomOrders.GenerateWithHistory(_ruleSet, seed: 43, count: Orders, minLines: Lines, maxLines: Lines);
    }

    [Benchmark(Description = "SmartAudit engine")]
    public int Evaluate()
    {
        var (request, history) = _requests[_next++ % Orders];
        return AuditEngine.Evaluate(_ruleSet, request, history, null).Findings.Count;
    }
}

/// <summary>
/// The engine's cost per 5-line request as the knowledge base grows from 1k to 500k items: the same
/// orders against ever larger catalogues (one hash lookup per line, so it should stay flat).
/// </summary>
[MemoryDiagnoser]
public class KnowledgeBaseScaling
{
    private const int Orders = 64;
    private RuleSet _ruleSet = null!;
    private List<AuditRequest> _requests = null!;
    private int _next;

    [Params(1_000, 50_000, 500_000)]
    public int CatalogueItems { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ruleSet = SyntheticCatalogue.RuleSet(CatalogueItems);
        // The same orders for every size: drawn from the shipped catalogue, which every synthetic one contains.
        _requests = RandomOrders.Generate(ShippedRules.RuleSet, seed: 44, count: Orders, minLines: 5, maxLines: 5);
    }

    [Benchmark(Description = "SmartAudit engine, 5 lines")]
    public int Evaluate() => AuditEngine.Evaluate(_ruleSet, _requests[_next++ % Orders]).Findings.Count;
}

internal static class EquivalenceCheck
{
    public static void Assert(RuleSet ruleSet, PlainRulesEngineBaseline baseline, List<(AuditRequest Request, PatientHistory History)> requests)
    {
        foreach (var (request, history) in requests)
        {
            var expected = FindingKey.Sorted(baseline.EvaluateAsync(request, history).GetAwaiter().GetResult()).ToList();
            var actual = FindingKey.Sorted(AuditEngine.Evaluate(ruleSet, request, history, null).Findings.Select(FindingKey.Of)).ToList();
            if (!expected.SequenceEqual(actual))
            {
                throw new InvalidOperationException($"engines disagree on {request.RequestId}: plain RulesEngine [{string.Join("; ", expected)}], SmartAudit [{string.Join("; ", actual)}]");
            }
        }
    }
}
