using System.IO.Compression;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Fraud.Features;
using SmartAudit.Fraud.Scoring;
using SmartAudit.Fraud.Training;

namespace SmartAudit.Fraud.Tests;

[Collection(SmallWorldCollection.Name)]
public class ScorerTests(SmallWorld world)
{
    [Fact]
    public void Load_NoFile_SaysWhichFileIsMissing()
    {
        var path = Path.Combine(world.Folder, "nowhere.zip");

        var error = Assert.Throws<FileNotFoundException>(() => FraudModel.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptFile_SaysItIsNotAUsableModel()
    {
        var path = Path.Combine(world.Folder, "corrupt.zip");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);

        var error = Assert.Throws<InvalidDataException>(() => FraudModel.Load(path));

        Assert.Contains("is not a usable fraud model", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZipThatIsNotAFraudModel_SaysWhatIsMissing()
    {
        var path = Path.Combine(world.Folder, "other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var error = Assert.Throws<InvalidDataException>(() => FraudModel.Load(path));

        Assert.Contains("SmartAudit/model.json is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelFile_VersionIsNamePlusFileHash()
    {
        var model = FraudModel.Load(world.ModelPath);

        Assert.Equal($"small+{DataManifest.Sha256Of(world.ModelPath)[..8]}", model.Version);
        Assert.Equal(FraudFeatures.Count, model.Metadata.Usual.Count);
    }

    [Fact]
    public void Score_RiskiestHeldOutClaim_GivesThreeToFiveReasonsInWords()
    {
        var scorer = Scorer(new FraudPolicy());
        var test = world.Examples.Where(e => e.SettledOn >= world.Report.Split.TestFrom).ToList();
        var (example, outcome) = test.Select(e => (e, o: scorer.Score(e.Request, e.History, e.Findings)))
            .OrderByDescending(s => s.o.Assessment!.Score).First();
        var model = FraudModel.Load(world.ModelPath);

        var assessment = outcome.Assessment!;
        Assert.InRange(assessment.Score, 0.5, 1.0);
        Assert.Equal(model.Version, assessment.ModelVersion);
        Assert.InRange(assessment.Reasons.Count, 3, ReasonWriter.MaxReasons);
        Assert.Equal(assessment.Reasons.OrderByDescending(r => r.Contribution), assessment.Reasons);
        Assert.All(assessment.Reasons, reason =>
        {
            Assert.True(reason.Contribution > 0);
            Assert.False(string.IsNullOrWhiteSpace(reason.Message));
            Assert.False(string.IsNullOrWhiteSpace(reason.MessageEn));
            var feature = Enum.Parse<FraudFeature>(reason.Feature);
            Assert.False(model.Metadata.Usual[(int)feature].Contains(reason.Value), $"{reason.Feature}={reason.Value} is usual");
        });
        Assert.True(example.IsFraudOrLabelled(), "the riskiest held-out claim is neither fraud nor labelled fraud");
    }

    [Fact]
    public void Score_PostAboveTheFlagThreshold_IsAModelFindingFlaggingTheClaim()
    {
        var example = world.Examples.First(e => e.Pattern == Simulation.FraudPattern.CollusionRing && e.History.Encounters.Count > 3);

        var outcome = Scorer(new FraudPolicy { FlagThreshold = 0 }).Score(example.Request, example.History, example.Findings);

        var finding = outcome.Finding!;
        Assert.Equal(FraudFinding.RuleId, finding.RuleId);
        Assert.Equal(FraudFinding.Category, finding.Category);
        Assert.Equal(Severity.Warn, finding.Severity);
        Assert.Equal(Certainty.Suspected, finding.Certainty);
        Assert.Empty(finding.LineIds);
        Assert.Contains(outcome.Assessment!.ModelVersion, finding.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Stage.Mid, 0.2, 0.5, 0.8, null)]
    [InlineData(Stage.Mid, 0.2, 0.3, 0.8, Severity.Remind)]
    [InlineData(Stage.Mid, 0.2, 0.3, 0.35, Severity.Warn)]
    [InlineData(Stage.Pre, 0.2, 0.3, 0.35, Severity.Warn)]
    [InlineData(Stage.Post, 0.2, 0.9, 0.9, Severity.Warn)]
    [InlineData(Stage.Post, 0.9, 0.1, 0.1, null)]
    public void Policy_Thresholds_ByStage(Stage stage, double flag, double remind, double warn, Severity? expected)
    {
        var policy = new FraudPolicy { FlagThreshold = flag, RemindThreshold = remind, WarnThreshold = warn };
        var assessment = new FraudAssessment(0.4, "m+1", []);

        var finding = policy.FindingFor(stage, assessment, FraudModel.Load(world.ModelPath).Metadata);

        Assert.Equal(expected, finding?.Severity);
    }

    [Fact]
    public void Policy_NoThresholdsConfigured_UsesTheModelsSuggestions()
    {
        var metadata = FraudModel.Load(world.ModelPath).Metadata;
        var policy = new FraudPolicy();

        Assert.Null(policy.FindingFor(Stage.Mid, new FraudAssessment(metadata.SuggestedRemindThreshold - 0.001, "m", []), metadata));
        Assert.Equal(Severity.Remind, policy.FindingFor(Stage.Mid, new FraudAssessment(metadata.SuggestedRemindThreshold, "m", []), metadata)?.Severity);
        Assert.Equal(Severity.Warn, policy.FindingFor(Stage.Mid, new FraudAssessment(metadata.SuggestedWarnThreshold, "m", []), metadata)?.Severity);
        Assert.Equal(Severity.Warn, policy.FindingFor(Stage.Post, new FraudAssessment(metadata.SuggestedRemindThreshold, "m", []), metadata)?.Severity);
    }

    [Fact]
    public void Score_Pre_IsNotScoredUnlessConfigured()
    {
        var example = world.Examples[^1];
        var request = example.Request with { Stage = Stage.Pre };

        var off = Scorer(new FraudPolicy()).Score(request, example.History, example.Findings);
        var on = Scorer(new FraudPolicy { ScorePre = true }).Score(request, example.History, example.Findings);

        Assert.Equal(FraudOutcome.NotScored, off);
        Assert.NotNull(on.Assessment);
    }

    [Fact]
    public void Score_NoModel_AnswersWithADegradedReasonAndNoScore()
    {
        var active = new ActiveFraudModel();
        active.Fail("no fraud model at /models/fraud.zip");
        var example = world.Examples[^1];

        var outcome = new FraudScorer(active, new FraudPolicy()).Score(example.Request, example.History, example.Findings);

        Assert.Null(outcome.Assessment);
        Assert.Null(outcome.Finding);
        Assert.Equal("fraud model unavailable: no fraud model at /models/fraud.zip", outcome.DegradedReason);
    }

    [Fact]
    public void Predict_FromManyThreadsAtOnce_GivesWhatOneThreadGives()
    {
        var model = FraudModel.Load(world.ModelPath);
        var features = world.Examples.Take(2000).Select(e => e.Features(model.Tables)).ToArray();
        var expected = features.Select(f => model.Predict(f).Probability).ToArray();

        var actual = new float[features.Length];
        Parallel.For(0, features.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = model.Predict(features[i]).Probability);

        Assert.Equal(expected, actual);
    }

    private FraudScorer Scorer(FraudPolicy policy)
    {
        var active = new ActiveFraudModel();
        active.Serve(FraudModel.Load(world.ModelPath));
        return new FraudScorer(active, policy);
    }
}

internal static class ExampleExtensions
{
    public static bool IsFraudOrLabelled(this TrainingExample example) =>
        example.Label || example.Pattern is not (Simulation.FraudPattern.None or Simulation.FraudPattern.HonestUnusual);
}
