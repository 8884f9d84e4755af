using SmartAudit.Fraud.Simulation;
using SmartAudit.Fraud.Training;

namespace SmartAudit.Fraud.Tests;

[Collection(SmallWorldCollection.Name)]
public class TrainingTests(SmallWorld world)
{
    [Fact]
    public void Model_OnHeldOutClaims_BeatsRulesOnlyAtTheTop1PercentAndOverall()
    {
        var report = world.Report;

        Assert.True(report.Model.Top1Percent.Precision > report.RulesOnly.Top1Percent.Precision + 0.2,
            $"model P@1% {report.Model.Top1Percent.Precision:0.000}, rules only {report.RulesOnly.Top1Percent.Precision:0.000}");
        Assert.True(report.Model.PrAuc > report.RulesOnly.PrAuc, $"PR-AUC model {report.Model.PrAuc:0.000}, rules {report.RulesOnly.PrAuc:0.000}");
        Assert.True(report.Model.Auc > 0.85, $"AUC {report.Model.Auc:0.000}");
    }

    [Fact]
    public void Split_IsByTime_TestClaimsAreTheLatest()
    {
        var split = world.Report.Split;
        var latestTraining = world.Examples.Where(e => e.SettledOn < split.ValidationFrom).Max(e => e.SettledOn);

        Assert.True(latestTraining < split.TestFrom);
        Assert.Equal(world.Examples.Count(e => e.SettledOn >= split.TestFrom), world.Report.TestClaims);
        Assert.Equal(world.Examples.Count, world.Report.TrainClaims + world.Report.ValidationClaims + world.Report.TestClaims);
    }

    [Fact]
    public void Report_HasRecallForEveryFraudPatternAndBothLearnersCompared()
    {
        var report = world.Report;

        Assert.Equal([TrainerKind.FastTree, TrainerKind.LightGbm], report.Candidates.Select(c => c.Trainer));
        Assert.All(Enum.GetValues<FraudPattern>().Where(p => p is not (FraudPattern.None or FraudPattern.HonestUnusual)), pattern =>
        {
            var recall = report.Patterns.Single(p => p.Pattern == pattern);
            Assert.True(recall.Claims > 0, $"no {pattern} claims in the test period");
            Assert.Equal(ModelTrainer.TopShares.Count, recall.Model.Count);
            Assert.InRange(recall.Model[^1], 0, 1);
        });
    }

    [Fact]
    public void Model_FlagsHonestButUnusualClaimsNoMoreThanOrdinaryOnes()
    {
        var patterns = world.Report.Patterns.ToDictionary(p => p.Pattern);

        // Share flagged in the top 10%: unusual-but-honest must not stand out like fraud does.
        Assert.True(patterns[FraudPattern.HonestUnusual].Model[2] < 0.25, $"{patterns[FraudPattern.HonestUnusual].Model[2]:0.000}");
        Assert.True(patterns[FraudPattern.CollusionRing].Model[2] > 0.5);
    }

    [Fact]
    public void Training_SameDataAgain_GivesTheSameMetricsAndTheSameModelFile()
    {
        var path = Path.Combine(world.Folder, "again.zip");

        var again = new ModelTrainer(SmallWorld.Training).Train(world.Examples, path, TimeProvider.System);

        Assert.Equal(world.Report.Model, again.Model);
        Assert.Equal(world.Report.RulesOnly, again.RulesOnly);
        Assert.Equal(world.Report.Candidates, again.Candidates);
        Assert.Equal(world.Report.Metadata.SuggestedRemindThreshold, again.Metadata.SuggestedRemindThreshold);
        Assert.Equal(File.ReadAllBytes(world.ModelPath), File.ReadAllBytes(path));
    }

    [Fact]
    public void Card_SaysHowToReproduceAndReportsEveryPatternAndTheBaseline()
    {
        var data = Path.Combine(world.Folder, "claims.jsonl");
        using (var writer = new StreamWriter(data))
        {
            SimulatedClaimsFile.Write(writer, world.Claims);
        }

        var manifest = DataManifest.For(SmallWorld.Simulation, "test", world.Claims.Count, data);
        var card = ModelCard.From(world.Report, world.ModelPath, data, manifest, world.Examples, ["smartaudit claims simulate --seed 7", "smartaudit model train"]);

        var markdown = card.ToMarkdown();
        Assert.Contains("smartaudit claims simulate --seed 7", markdown, StringComparison.Ordinal);
        Assert.Contains("| rules only |", markdown, StringComparison.Ordinal);
        Assert.All(Enum.GetNames<FraudPattern>(), name => Assert.Contains($"| {name} |", markdown, StringComparison.Ordinal));
        Assert.Equal(card.ToJson(), ModelCard.FromJson(card.ToJson()).ToJson());
        Assert.StartsWith("small+", card.Version, StringComparison.Ordinal);
    }
}

public class RankingTests
{
    [Fact]
    public void Auc_PerfectReversedAndAllTied()
    {
        bool[] labels = [false, false, true, true];

        Assert.Equal(1.0, Ranking.Auc([0.1, 0.2, 0.8, 0.9], labels));
        Assert.Equal(0.0, Ranking.Auc([0.9, 0.8, 0.2, 0.1], labels));
        Assert.Equal(0.5, Ranking.Auc([0.5, 0.5, 0.5, 0.5], labels));
    }

    [Fact]
    public void AveragePrecision_PerfectRankingIsOne()
    {
        Assert.Equal(1.0, Ranking.AveragePrecision([0.9, 0.8, 0.2, 0.1], [true, true, false, false]));
        Assert.Equal(0.5, Ranking.AveragePrecision([0.5, 0.5, 0.5, 0.5], [true, true, false, false]));
    }

    [Fact]
    public void Top_CutInsideATie_CountsTheTieByTheShareThatFits()
    {
        // 100 claims, top 1% = 1 claim; the top score is shared by 4 claims of which 1 is fraud.
        var scores = Enumerable.Repeat(0.0, 96).Concat([1.0, 1.0, 1.0, 1.0]).ToArray();
        var labels = Enumerable.Repeat(false, 97).Concat([true, false, false]).ToArray();

        var top = Ranking.Top(scores, labels, 0.01);

        Assert.Equal(1, top.Claims);
        Assert.Equal(0.25, top.Precision, 6);
        Assert.Equal(0.25, top.Recall, 6);
    }
}
