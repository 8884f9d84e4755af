using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Fraud.Scoring;
using SmartAudit.Fraud.Simulation;
using SmartAudit.Fraud.Training;
using SmartAudit.Server.Grpc;
using SmartAudit.Testing;
using Domain = SmartAudit.Core.Audit;

namespace SmartAudit.Bench.Engine;

/// <summary>
/// What the fraud model adds to a request on the server, side by side with the rules alone: the same
/// Auditor path (history read, rules, decision, history write, response mapping) without and with the
/// shipped model (models/fraud.zip), over 256 simulated settled claims taken in turn, each with the
/// patient's real history in the store. Then the scoring alone, and its parts.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FraudScoringCost
{
    private Domain.AuditRequest[] _requests = [];
    private PatientHistory[] _histories = [];
    private IReadOnlyList<Finding>[] _findings = [];
    private Domain.Auditor _rulesOnly = null!;
    private Domain.Auditor _withModel = null!;
    private FraudScorer _scorer = null!;
    private FraudModel _model = null!;
    private float[][] _features = [];
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var rules = ShippedRules.RuleSet;
        var claims = new ClaimsSimulator(rules.Knowledge, new SimulationOptions { Seed = 3, Patients = 2000, Days = 90 }).Run();
        var examples = await TrainingExample.ReplayAsync(claims, rules, CancellationToken.None);
        var chosen = examples.Skip(examples.Count / 2).Where((_, i) => i % 7 == 0).Take(256).ToArray();
        _requests = [.. chosen.Select(e => e.Request)];
        _histories = [.. chosen.Select(e => e.History)];
        _findings = [.. chosen.Select(e => e.Findings)];

        _model = FraudModel.Load(Path.Combine(ShippedRules.Folder, "..", "models", "fraud.zip"));
        var active = new ActiveFraudModel();
        active.Serve(_model);
        _scorer = new FraudScorer(active, new FraudPolicy());
        _features = [.. chosen.Select(e => e.Features(_model.Tables))];
        _rulesOnly = await AuditorAsync(null, examples);
        _withModel = await AuditorAsync(_scorer, examples);
    }

    [Benchmark(Baseline = true, Description = "request, rules only")]
    public Task<int> RulesOnly() => AuditAsync(_rulesOnly);

    [Benchmark(Description = "request, rules + model")]
    public Task<int> RulesAndModel() => AuditAsync(_withModel);

    [Benchmark(Description = "scoring alone (features, model, reasons)")]
    public FraudOutcome Scoring()
    {
        var i = Next();
        return _scorer.Score(_requests[i], _histories[i], _findings[i]);
    }

    [Benchmark(Description = "  features")]
    public float[] Features()
    {
        var i = Next();
        return Fraud.Features.FeatureExtractor.Compute(_requests[i], _histories[i], _findings[i], _model.Tables);
    }

    [Benchmark(Description = "  model with contributions (pooled engine)")]
    public float Predict() => _model.Predict(_features[Next()]).Probability;

    private async Task<int> AuditAsync(Domain.Auditor auditor)
    {
        var request = _requests[Next()];
        var decision = await auditor.AuditAsync(request, [], Stopwatch.GetTimestamp(), CancellationToken.None);
        return CheckResponseMapper.ToResponse(decision).CalculateSize();
    }

    private int Next() => _next = (_next + 1) % _requests.Length;

    /// <summary>An Auditor whose history store already holds every claim before the measured ones.</summary>
    private static async Task<Domain.Auditor> AuditorAsync(IFraudScorer? scorer, List<TrainingExample> examples)
    {
        var store = new InMemoryPatientHistoryStore(new HistoryOptions());
        foreach (var example in examples)
        {
            await store.RecordAsync(HistoryEntry.From(example.Request, ShippedRules.RuleSet.Knowledge), CancellationToken.None);
        }

        return new Domain.Auditor(new ActiveRuleSet(ShippedRules.RuleSet), new NoLog(), store, TimeProvider.System, scorer);
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
