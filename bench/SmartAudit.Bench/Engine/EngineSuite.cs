using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SmartAudit.Bench.Engine;

/// <summary>The in-process suite: a short job run in this process, results exported beside the e2e ones.</summary>
internal static class EngineSuite
{
    /// <param name="only">Run only the benchmark class with this name (e.g. RequestPathBreakdown).</param>
    public static void Run(string outDir, string? only = null)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10);
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddExporter(MarkdownExporter.GitHub)
            .AddExporter(JsonExporter.Brief)
            .WithArtifactsPath(Path.Combine(outDir, "engine"))
            .WithOptions(ConfigOptions.DisableLogFile);
        Type[] all = [typeof(EngineVsPlainRulesEngine), typeof(EngineLineScaling), typeof(KnowledgeBaseScaling), typeof(RequestPathBreakdown), typeof(FraudScoringCost)];
        BenchmarkRunner.Run([.. all.Where(t => only is null || t.Name == only)], config);
    }
}
