using System.Text.Json;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

public sealed class ModelTrainTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"smartaudit-cli-model-{Guid.NewGuid():N}");

    public ModelTrainTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SimulateThenTrain_WritesTheModelAndACardThatSaysHowToMakeItAgain()
    {
        var data = Path.Combine(_folder, "claims.jsonl");
        var model = Path.Combine(_folder, "models", "tiny.zip");

        var simulate = Cli.Run("claims", "simulate", "--seed", "5", "--patients", "1500", "--days", "90", "--rules", ShippedRules.Folder, "--out", data);
        var train = Cli.Run("model", "train", "--data", data, "--out", model, "--rules", ShippedRules.Folder, "--trainer", "fasttree");

        Assert.Equal(ExitCodes.Success, simulate.ExitCode);
        Assert.Contains("CollusionRing", simulate.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(data + ".manifest.json"));
        Assert.True(train.ExitCode == ExitCodes.Success, train.Stderr);
        Assert.Contains("model tiny+", train.Stdout, StringComparison.Ordinal);
        Assert.Contains("rules only AUC", train.Stdout, StringComparison.Ordinal);
        var card = File.ReadAllText(Path.Combine(_folder, "models", "tiny.card.md"));
        Assert.Contains($"claims simulate --seed 5 --patients 1500 --hospitals 48 --start 2025-09-01 --days 90 --rules {ShippedRules.Folder} --out {data}", card, StringComparison.Ordinal);
        Assert.Contains($"model train --data {data} --out {model} --rules {ShippedRules.Folder} --trainer fasttree", card, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "models", "tiny.card.json")));
        Assert.Equal("FastTree", json.RootElement.GetProperty("trainer").GetString());
        Assert.True(json.RootElement.GetProperty("model").GetProperty("auc").GetDouble() > 0.5);
    }

    [Fact]
    public void Train_BadLineInTheData_NamesTheLine_Exits1()
    {
        var data = Path.Combine(_folder, "bad.jsonl");
        File.WriteAllText(data, "{\"request\": 12}\n");

        var run = Cli.Run("model", "train", "--data", data, "--out", Path.Combine(_folder, "m.zip"), "--rules", ShippedRules.Folder);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.StartsWith($"{data}: line 1:", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_NoDataFile_Exits2()
    {
        var run = Cli.Run("model", "train", "--data", Path.Combine(_folder, "none.jsonl"), "--out", Path.Combine(_folder, "m.zip"));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("data file not found", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_WithoutOut_Exits2WithUsage()
    {
        var run = Cli.Run("claims", "simulate", "--seed", "5");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--out is missing", run.Stderr, StringComparison.Ordinal);
    }
}
