using System.Globalization;
using System.Runtime.InteropServices;
using SmartAudit.Bench.E2E;
using SmartAudit.Bench.Engine;

// SmartAudit benchmark. Run through bench/run, which builds Release first.
//   [all|e2e|engine|worker|workbench] [--cases N] [--requests N] [--duration S] [--warmup S] [--rate R] [--out DIR] [--only BenchmarkClass] [--catalogue N]
//   [--paths rules,redis,full | --compare-kafka] [--repeat N] [--claims N] [--partitions P] [--batch B]
//   killtest [--kill-at N] [--repeat N] [--server-root DIR] [--server-arg ARG]...: kill -9 of the server, acknowledged decisions missing from the log
var options = Options.Parse(args);
var repoRoot = FindRepoRoot();
var outDir = Path.GetFullPath(options.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
Directory.CreateDirectory(outDir);
var exit = 0;

if (options.Suite is "all" or "e2e")
{
    // The shipped rules with the catalogue grown to the target's size (50k items by default): the orders
    // use shipped items, so they do the same work; memory is measured at that size.
    var rules = SmartAudit.Testing.SyntheticCatalogue.Source(options.CatalogueItems);
    var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; catalogue {options.CatalogueItems:N0} items";
    Console.Error.WriteLine($"SmartAudit end-to-end benchmark: {options.Duration.TotalSeconds:0}s per scenario after {options.Warmup.TotalSeconds:0.#}s warm-up");
    if (options.CompareKafka)
    {
        // Off and on alternately, --repeat times: the table takes the median of each figure over the runs,
        // so that one noisy minute on a shared machine does not decide the comparison.
        var off = new List<IReadOnlyList<ScenarioResult>>();
        var on = new List<IReadOnlyList<ScenarioResult>>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var a = await RunEndToEndAsync(ServerPath.Rules.WithKafkaLog(false), rules);
            var b = await RunEndToEndAsync(ServerPath.Rules.WithKafkaLog(true), rules);
            off.Add(a.Results);
            on.Add(b.Results);
            exit = Math.Max(exit, Math.Max(a.Exit, b.Exit));
        }

        var comparison = KafkaComparison.Markdown(off, on, machine);
        Console.WriteLine(comparison);
        await File.WriteAllTextAsync(Path.Combine(outDir, "e2e-kafka-compare.md"), comparison);
        Console.Error.WriteLine($"Wrote {Path.Combine(outDir, "e2e-kafka-compare.md")}");
    }
    else
    {
        // Every path against a server of its own, the paths taken in turn --repeat times, so that a noisy
        // minute falls on one run of each rather than on one path.
        var runs = options.Paths.ToDictionary(p => p, _ => (Results: new List<IReadOnlyList<ScenarioResult>>(), Rss: new List<double>()));
        for (var run = 0; run < options.Repeat; run++)
        {
            foreach (var path in options.Paths)
            {
                var result = await RunEndToEndAsync(path, rules);
                runs[path].Results.Add(result.Results);
                runs[path].Rss.Add(result.PeakRssBytes);
                exit = Math.Max(exit, result.Exit);
            }
        }

        List<PathRun> table = [.. options.Paths.Select(p => new PathRun(p, Report.Median(runs[p].Results), (long)Report.MedianOf(runs[p].Rss), options.Repeat))];
        var markdown = Report.Markdown(table, machine);
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(Path.Combine(outDir, "e2e-latest.md"), markdown);
        await File.WriteAllTextAsync(Path.Combine(outDir, "e2e-latest.json"), Report.Json(table, machine));
        Console.Error.WriteLine($"Wrote {Path.Combine(outDir, "e2e-latest.md")} and .json");
    }
}

if (options.Suite is "worker")
{
    exit = await SmartAudit.Bench.Worker.WorkerSuite.RunAsync(repoRoot, outDir, options.Claims, options.Partitions, options.Batch, options.Repeat);
}

if (options.Suite is "killtest")
{
    // The server to kill: this checkout's Release build, or another checkout's (--server-root) to measure before a change.
    exit = await SmartAudit.Bench.KillTest.KillTestSuite.RunAsync(repoRoot, options.ServerRoot ?? repoRoot, outDir, options.KillAt, options.Repeat, options.ServerArgs);
}

if (options.Suite is "workbench")
{
    exit = await SmartAudit.Bench.Workbench.WorkbenchSuite.RunAsync(outDir, options.Cases, options.Requests);
}

if (options.Suite is "all" or "engine")
{
    EngineSuite.Run(outDir, options.Only);
}

return exit;

async Task<(int Exit, List<ScenarioResult> Results, long PeakRssBytes)> RunEndToEndAsync(ServerPath path, SmartAudit.Core.Rules.RuleSetSource rules)
{
    Console.Error.WriteLine($" {path.Name}");
    var work = Directory.CreateTempSubdirectory("smartaudit-bench-");
    try
    {
        // The rule set folder is what the server runs without Redis; with Redis it runs the same set, published.
        foreach (var file in rules.Files)
        {
            var target = Path.Combine(work.FullName, "rules", file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllTextAsync(target, file.Content);
        }

        await using var parts = await PathParts.StartAsync(path, rules, repoRoot, work.FullName);
        await using var server = await ServerProcess.StartAsync(repoRoot, Path.Combine(work.FullName, "rules"), parts.ServerArgs);
        var results = await new EndToEndSuite(server, path, options.Duration, options.Warmup, options.Rate).RunAsync();
        var errors = results.Sum(r => r.Errors);
        var degraded = results.Sum(r => r.Degraded);
        if (errors > 0 || degraded > 0)
        {
            Console.Error.WriteLine($"  {errors} errors, {degraded} degraded answers on {path.Name}");
        }

        return (errors > 0 ? 1 : 0, results, server.PeakRssBytes());
    }
    finally
    {
        work.Delete(recursive: true);
    }
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SmartAudit.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run the benchmark from inside the repository");
}

internal sealed record Options(string Suite, TimeSpan Duration, TimeSpan Warmup, double Rate, string? OutDir, string? Only, int CatalogueItems, IReadOnlyList<ServerPath> Paths,
    bool CompareKafka, int Repeat, int Claims, int Partitions, int Batch, int Cases = 100_000, int Requests = 40, string? ServerRoot = null,
    int KillAt = 20_000, IReadOnlyList<string>? ServerArgsOrNull = null)
{
    /// <summary>Passed to the killed server as they are (<c>--server-arg --DecisionLog:FsyncPolicy=EveryBatch</c>).</summary>
    public IReadOnlyList<string> ServerArgs => ServerArgsOrNull ?? [];

    public static Options Parse(string[] args)
    {
        var suite = "all";
        var duration = 5.0;
        var warmup = 2.0;
        var rate = 1000.0;
        string? outDir = null;
        string? only = null;
        var catalogue = 50_000;
        var paths = ServerPath.All;
        var compareKafka = false;
        var repeat = 0; // per suite: 1 for --compare-kafka, 3 for worker
        var claims = 40_000;
        var partitions = 12;
        var batch = 500;
        var cases = 100_000;
        var requests = 40;
        string? serverRoot = null;
        var killAt = 20_000;
        var serverArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            double Next() => double.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "all" or "e2e" or "engine" or "worker" or "workbench" or "killtest": suite = args[i]; break;
                case "--server-root": serverRoot = Path.GetFullPath(args[++i]); break;
                case "--kill-at": killAt = (int)Next(); break;
                case "--server-arg": serverArgs.Add(args[++i]); break;
                case "--cases": cases = (int)Next(); break;
                case "--requests": requests = Math.Max(1, (int)Next()); break;
                case "--duration": duration = Next(); break;
                case "--warmup": warmup = Next(); break;
                case "--rate": rate = Next(); break;
                case "--out": outDir = args[++i]; break;
                case "--only": only = args[++i]; break;
                case "--catalogue": catalogue = (int)Next(); break;
                case "--paths": paths = ServerPath.Parse(args[++i]); break;
                case "--compare-kafka": compareKafka = true; break;
                case "--repeat": repeat = Math.Max(1, (int)Next()); break;
                case "--claims": claims = (int)Next(); break;
                case "--partitions": partitions = (int)Next(); break;
                case "--batch": batch = (int)Next(); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' ([all|e2e|engine|worker|workbench|killtest] [--duration S] [--warmup S] [--rate R] [--out DIR] [--only BenchmarkClass] [--catalogue N] [--paths rules,redis,full | --compare-kafka] [--repeat N] [--claims N] [--partitions P] [--batch B] [--cases N] [--requests N])");
            }
        }

        repeat = repeat > 0 ? repeat : suite is "worker" or "killtest" ? 3 : 1;
        return new Options(suite, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmup), rate, outDir, only, catalogue, paths,
            compareKafka, repeat, claims, partitions, batch, cases, requests, serverRoot, killAt, serverArgs);
    }
}
