using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Embedded.Rules;
using SmartAudit.Fraud.Scoring;
using SmartAudit.Kafka;
using SmartAudit.Kafka.Post;
using SmartAudit.Testing;

namespace SmartAudit.Bench.Worker;

/// <summary>
/// Throughput of the POST-stage audit worker in claims per minute, with one worker and with two in one
/// consumer group: settled claims from <c>smartaudit claims generate</c> on a claims topic of a mock
/// cluster (librdkafka's, a real Kafka-protocol broker on loopback, hosted by this process), audited with
/// the shipped rules and the shipped fraud model (<c>models/fraud.zip</c>) as the server audits POST claims,
/// decisions to the decisions topic through the Kafka decision log, cases published,
/// offsets committed per batch. The same claims are read by each configuration under its own group.
/// Measured from the first claim a worker consumed to the last commit; the group join before is not counted.
/// </summary>
internal static class WorkerSuite
{
    private const string ClaimsTopic = "smartaudit.claims.v1";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string repoRoot, string outDir, int claimCount, int partitions, int batchSize, int repeat)
    {
        var work = Directory.CreateTempSubdirectory("smartaudit-bench-worker-");
        try
        {
            var rules = Path.Combine(repoRoot, "rules");
            var claimsFile = Path.Combine(work.FullName, "claims.jsonl");
            Console.Error.WriteLine($"Worker benchmark: generating {claimCount:N0} claims");
            await GenerateAsync(repoRoot, rules, claimsFile, claimCount);
            var ruleSet = RuleSetDirectory.Compile(rules).RuleSet ?? throw new InvalidOperationException("the shipped rules do not compile");
            var model = new ActiveFraudModel();
            model.Serve(FraudModel.Load(Path.Combine(repoRoot, "models", "fraud.zip")));
            var fraud = new FraudScorer(model, new FraudPolicy());

            using var cluster = new KafkaMockCluster();
            cluster.CreateTopic(ClaimsTopic, partitions);
            cluster.CreateTopic("smartaudit.cases.v1", partitions);
            cluster.CreateTopic("smartaudit.claims-rejected.v1", partitions);
            cluster.CreateTopic("smartaudit.decisions.v1", 12);
            cluster.CreateTopic("smartaudit.feedback.v1", 3);
            Produce(cluster, claimsFile, partitions);

            // A first pass, not reported, so that both configurations run warm (JIT, the model's engine pool).
            Console.Error.WriteLine("Worker benchmark: warm-up pass, one worker");
            await MeasureAsync(cluster, ruleSet, fraud, 1, batchSize, claimCount, Path.Combine(work.FullName, "spool-warm-up"));
            var runs = new List<(int Workers, AuditWorkerTotals Totals, double Cores)>();
            for (var round = 0; round < repeat; round++)
            {
                foreach (var workers in new[] { 1, 2 })
                {
                    Console.Error.WriteLine($"Worker benchmark: {workers} worker(s), {claimCount:N0} claims, {partitions} partitions, batches of {batchSize} (round {round + 1} of {repeat})");
                    var (totals, cores) = await MeasureAsync(cluster, ruleSet, fraud, workers, batchSize, claimCount, Path.Combine(work.FullName, $"spool-{workers}-{round}"));
                    runs.Add((workers, totals, cores));
                    Console.Error.WriteLine($"  {totals}; {cores:0.00} cores busy");
                }
            }

            // Per configuration, the round with the median throughput.
            var rows = runs.GroupBy(r => r.Workers)
                .Select(g => g.OrderBy(r => r.Totals.ClaimsPerMinute).ElementAt(g.Count() / 2))
                .ToList();

            var machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; mock cluster in the benchmark's process";
            var markdown = Markdown(rows, machine, claimCount, partitions, batchSize, repeat);
            Console.WriteLine(markdown);
            await File.WriteAllTextAsync(Path.Combine(outDir, "worker-latest.md"), markdown);
            await File.WriteAllTextAsync(Path.Combine(outDir, "worker-latest.json"), JsonSerializer.Serialize(new
            {
                machine,
                date = DateTimeOffset.UtcNow,
                claims = claimCount,
                partitions,
                batchSize,
                repeat,
                median = rows.Select(r => new { workers = r.Workers, r.Totals.Claims, r.Totals.Cases, r.Totals.Rejected, seconds = r.Totals.Busy.TotalSeconds, r.Totals.ClaimsPerMinute, coresBusy = r.Cores }),
                rounds = runs.Select(r => new { workers = r.Workers, seconds = r.Totals.Busy.TotalSeconds, r.Totals.ClaimsPerMinute, coresBusy = r.Cores }),
            }, Indented));
            Console.Error.WriteLine($"Wrote {Path.Combine(outDir, "worker-latest.md")} and .json");
            return runs.All(r => r.Totals.Claims == claimCount) ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <returns>The workers' totals, and the cores this process kept busy meanwhile (workers, producer, mock broker).</returns>
    private static async Task<(AuditWorkerTotals Totals, double Cores)> MeasureAsync(KafkaMockCluster cluster, RuleSet ruleSet, FraudScorer fraud, int count, int batchSize,
        int claimCount, string spool)
    {
        var kafka = new KafkaOptions { BootstrapServers = cluster.BootstrapServers, SpoolPath = spool };
        using var log = new KafkaDecisionLog(Microsoft.Extensions.Options.Options.Create(kafka), NullLogger<KafkaDecisionLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        var auditor = new Auditor(new ActiveRuleSet(ruleSet), log, new InMemoryPatientHistoryStore(new HistoryOptions()), TimeProvider.System, fraud);
        var group = $"bench-{count}-{Guid.NewGuid():N}";
        var options = new AuditWorkerOptions { GroupId = group, BatchSize = batchSize };
        var workers = Enumerable.Range(1, count)
            .Select(i => new AuditWorker(kafka, options, auditor, null, NullLogger.Instance, $"bench-worker-{i}"))
            .ToList();
        using var stop = new CancellationTokenSource();
        TimeSpan? cpu = null; // from the first commit on: the group join before is idle time
        var wall = new Stopwatch();
        var runs = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToList();
        try
        {
            var deadline = Stopwatch.StartNew();
            var progress = Stopwatch.StartNew();
            while (workers.Sum(w => w.Stats.Claims) < claimCount)
            {
                if (cpu is null && workers.Any(w => w.Stats.Batches > 0))
                {
                    cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    wall.Start();
                }

                if (progress.Elapsed > TimeSpan.FromSeconds(5))
                {
                    progress.Restart();
                    Console.Error.WriteLine($"  {workers.Sum(w => w.Stats.Claims):N0} of {claimCount:N0} claims committed, {workers.Sum(w => w.Stats.Retries)} batches retried");
                }

                if (runs.FirstOrDefault(r => r.IsFaulted) is { } failed)
                {
                    await failed;
                }

                if (deadline.Elapsed > TimeSpan.FromMinutes(30))
                {
                    throw new TimeoutException($"the workers committed {workers.Sum(w => w.Stats.Claims):N0} of {claimCount:N0} claims in 30 minutes");
                }

                await Task.Delay(10);
            }

            var cores = cpu is { } start && wall.Elapsed > TimeSpan.Zero
                ? (Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds / wall.Elapsed.TotalSeconds
                : double.NaN;
            return (AuditWorkerTotals.Of(workers.Select(w => w.Stats)), cores);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs);
            foreach (var worker in workers)
            {
                worker.Dispose();
            }

            await log.StopAsync(CancellationToken.None);
        }
    }

    private static async Task GenerateAsync(string repoRoot, string rules, string output, int count)
    {
        var cli = Path.Combine(repoRoot, "src", "SmartAudit.Cli", "bin", "Release", "net10.0", "smartaudit.dll");
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"build the tool first (dotnet build -c Release SmartAudit.sln): {cli} is missing");
        }

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { cli, "claims", "generate", "--rules", rules, "--out", output, "--count", count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start smartaudit");
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"smartaudit claims generate exited with {process.ExitCode}");
        }
    }

    /// <summary>The claims keyed by patient id, as a settlement system would publish them.</summary>
    private static void Produce(KafkaMockCluster cluster, string claimsFile, int partitions)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 20 }).Build();
        foreach (var line in File.ReadLines(claimsFile))
        {
            using var claim = JsonDocument.Parse(line);
            var patient = claim.RootElement.GetProperty("patient").GetProperty("id").GetString();
            producer.Produce(ClaimsTopic, new Message<string, byte[]> { Key = patient!, Value = Encoding.UTF8.GetBytes(line) });
        }

        if (producer.Flush(TimeSpan.FromMinutes(2)) > 0)
        {
            throw new TimeoutException("the mock cluster did not take every claim within two minutes");
        }

        // librdkafka's mock cluster keeps about 5 MB per partition and drops the oldest records past it.
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "bench-check" }).Build();
        for (var partition = 0; partition < partitions; partition++)
        {
            if (consumer.QueryWatermarkOffsets(new TopicPartition(ClaimsTopic, partition), TimeSpan.FromSeconds(10)).Low.Value > 0)
            {
                throw new InvalidOperationException(
                    $"the mock cluster dropped the oldest claims of partition {partition} (it keeps about 5 MB, some 3,500 claims, per partition): use more --partitions or fewer --claims");
            }
        }
    }

    private static string Markdown(List<(int Workers, AuditWorkerTotals Totals, double Cores)> rows, string machine, int claims, int partitions, int batchSize, int repeat)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{claims:N0} generated claims on {partitions} partitions, batches of {batchSize}, shipped rules and fraud model, decisions to Kafka; after a warm-up pass, the median of {repeat} round(s)");
        text.AppendLine();
        text.AppendLine("| workers | claims | cases | rejected | seconds | claims/minute | vs one worker | cores busy (process) |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var one = rows[0].Totals.ClaimsPerMinute;
        foreach (var (workers, totals, cores) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {workers} | {totals.Claims:N0} | {totals.Cases:N0} | {totals.Rejected:N0} | {totals.Busy.TotalSeconds:0.0} | {totals.ClaimsPerMinute:N0} | {totals.ClaimsPerMinute / one:0.00}x | {cores:0.00} of {Environment.ProcessorCount} |");
        }

        return text.ToString();
    }
}
