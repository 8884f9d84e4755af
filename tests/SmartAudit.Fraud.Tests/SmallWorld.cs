using SmartAudit.Fraud.Simulation;
using SmartAudit.Fraud.Training;
using SmartAudit.Testing;

namespace SmartAudit.Fraud.Tests;

/// <summary>
/// A small simulated fund, replayed and trained on once per test run: 3,000 patients over 150 days
/// (about 8,000 claims), a model with 60 trees. Seconds, not minutes; big enough that the held-out
/// month has every pattern and the top 1% is a dozen claims.
/// </summary>
public sealed class SmallWorld : IAsyncLifetime
{
    public static readonly SimulationOptions Simulation = new() { Seed = 7, Patients = 3000, Days = 150 };

    public static readonly TrainingOptions Training = new() { Name = "small", Trees = 60, Leaves = 16 };

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"smartaudit-fraud-{Guid.NewGuid():N}");

    public IReadOnlyList<SimulatedClaim> Claims { get; private set; } = [];

    public IReadOnlyList<TrainingExample> Examples { get; private set; } = [];

    public TrainingReport Report { get; private set; } = null!;

    public string ModelPath => Path.Combine(Folder, "small.zip");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        Claims = new ClaimsSimulator(ShippedRules.RuleSet.Knowledge, Simulation).Run();
        Examples = await TrainingExample.ReplayAsync(Claims, ShippedRules.RuleSet, CancellationToken.None);
        Report = new ModelTrainer(Training).Train(Examples, ModelPath, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SmallWorldCollection : ICollectionFixture<SmallWorld>
{
    public const string Name = "small simulated fund";
}
