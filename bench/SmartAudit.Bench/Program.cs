using System.Globalization;
using System.Runtime.InteropServices;
using SmartAudit.Bench.E2E;
using SmartAudit.Bench.Engine;

// SmartAudit benchmark. Run through bench/run, which builds Release first.
//   [all|e2e|engine|worker|workbench] [--cases N] [--requests N] [--duration S] [--warmup S] [--rate R] [--out DIR] [--only BenchmarkClass] [--catalogue N]
//   [--kafka | --compare-kafka] [--repeat N] [--claims N] [--partitions P] [--batch B]
var options = Options.Parse(args);
var repoRoot = FindRepoRoot();
var outDir = Path.GetFullPath(options.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
Directory.CreateDirectory(outDir);
var exit = 0;

if (options.Suite is "all" or "e2e")
{
    if (options.CompareKafka)
    {
        // Off and on alternately, --repeat times: the table takes the median of each figure over the runs,
        // so that one noisy minute on a shared machine does not decide the comparison.
        var off = new List<IReadOnlyList<ScenarioResult>>();
        var on = new List<IReadOnlyList<ScenarioResult>>();
        var machine = string.Empty;
        for (var run = 0; run < options.Repeat; run++)
        {
            var a = await RunEndToEndAsync(kafkaLog: false);
            var b = await RunEndToEndAsync(kafkaLog: true);
            off.Add(a.Results);
            on.Add(b.Results);
            machine = a.Machine;
            exit = Math.Max(exit, Math.Max(a.Exit, b.Exit));
        }

        var comparison = KafkaComparison.Markdown(off, on, machine);
        Console.WriteLine(comparison);
        await File.WriteAllTextAsync(Path.Combine(outDir, "e2e-kafka-compare.md"), comparison);
        Console.Error.WriteLine($"Wrote {Path.Combine(outDir, "e2e-kafka-compare.md")}");
    }
    else
    {
        exit = (await RunEndToEndAsync(options.Kafka)).Exit;
    }
}

if (options.Suite is "worker")
{
    exit = await SmartAudit.Bench.Worker.WorkerSuite.RunAsync(repoRoot, outDir, options.Claims, options.Partitions, options.Batch, options.Repeat);
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

async Task<(int Exit, List<ScenarioResult> Results, string Machine)> RunEndToEndAsync(bool kafkaLog)
{
    var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    Console.Error.WriteLine($"SmartAudit end-to-end benchmark: {options.Duration.TotalSeconds:0}s per scenario after {options.Warmup.TotalSeconds:0.#}s warm-up");
    // The server loads the shipped rules with the catalogue grown to the target's size (50k items by
    // default): the orders use shipped items, so they do the same work; memory is measured at that size.
    var rules = Directory.CreateTempSubdirectory("smartaudit-bench-rules-");
    foreach (var file in SmartAudit.Testing.SyntheticCatalogue.Source(options.CatalogueItems).Files)
    {
        var path = Path.Combine(rules.FullName, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, file.Content);
    }

    machine += $"; catalogue {options.CatalogueItems:N0} items";

    // --kafka: decisions go to Kafka (librdkafka's mock cluster, a real Kafka-protocol broker on loopback
    // hosted by this process) instead of the JSON-lines file, to measure what the Kafka log adds.
    using var kafka = kafkaLog ? new SmartAudit.Testing.KafkaMockCluster() : null;
    if (kafka is not null)
    {
        kafka.CreateTopic("smartaudit.decisions.v1", 12);
        kafka.CreateTopic("smartaudit.feedback.v1", 3);
        machine += "; decisions to Kafka (mock cluster)";
    }

    string[] serverArgs = kafka is null ? [] : [$"--Kafka:BootstrapServers={kafka.BootstrapServers}", $"--Kafka:SpoolPath={Path.Combine(rules.FullName, "spool")}"];
    await using var server = await ServerProcess.StartAsync(repoRoot, rules.FullName, serverArgs);
    var results = await new EndToEndSuite(server, options.Duration, options.Warmup, options.Rate).RunAsync();
    var rss = server.PeakRssBytes();
    var markdown = Report.Markdown(results, rss, machine);
    Console.WriteLine(markdown);
    var name = kafkaLog ? "e2e-kafka-latest" : "e2e-latest";
    await File.WriteAllTextAsync(Path.Combine(outDir, name + ".md"), markdown);
    await File.WriteAllTextAsync(Path.Combine(outDir, name + ".json"), Report.Json(results, rss, machine));
    Console.Error.WriteLine($"Wrote {Path.Combine(outDir, name + ".md")} and .json");
    rules.Delete(recursive: true);
    return (results.Any(r => r.Errors > 0) ? 1 : 0, results, machine);
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

internal sealed record Options(string Suite, TimeSpan Duration, TimeSpan Warmup, double Rate, string? OutDir, string? Only, int CatalogueItems, bool Kafka,
    bool CompareKafka, int Repeat, int Claims, int Partitions, int Batch, int Cases = 100_000, int Requests = 40)
{
    public static Options Parse(string[] args)
    {
        var suite = "all";
        var duration = 5.0;
        var warmup = 2.0;
        var rate = 1000.0;
        string? outDir = null;
        string? only = null;
        var catalogue = 50_000;
        var kafka = false;
        var compareKafka = false;
        var repeat = 0; // per suite: 1 for --compare-kafka, 3 for worker
        var claims = 40_000;
        var partitions = 12;
        var batch = 500;
        var cases = 100_000;
        var requests = 40;
        for (var i = 0; i < args.Length; i++)
        {
            double Next() => double.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "all" or "e2e" or "engine" or "worker" or "workbench": suite = args[i]; break;
                case "--cases": cases = (int)Next(); break;
                case "--requests": requests = Math.Max(1, (int)Next()); break;
                case "--duration": duration = Next(); break;
                case "--warmup": warmup = Next(); break;
                case "--rate": rate = Next(); break;
                case "--out": outDir = args[++i]; break;
                case "--only": only = args[++i]; break;
                case "--catalogue": catalogue = (int)Next(); break;
                case "--kafka": kafka = true; break;
                case "--compare-kafka": compareKafka = true; break;
                case "--repeat": repeat = Math.Max(1, (int)Next()); break;
                case "--claims": claims = (int)Next(); break;
                case "--partitions": partitions = (int)Next(); break;
                case "--batch": batch = (int)Next(); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' ([all|e2e|engine|worker|workbench] [--duration S] [--warmup S] [--rate R] [--out DIR] [--only BenchmarkClass] [--catalogue N] [--kafka | --compare-kafka] [--repeat N] [--claims N] [--partitions P] [--batch B] [--cases N] [--requests N])");
            }
        }

        repeat = repeat > 0 ? repeat : suite == "worker" ? 3 : 1;
        return new Options(suite, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmup), rate, outDir, only, catalogue, kafka,
            compareKafka, repeat, claims, partitions, batch, cases, requests);
    }
}
