using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using SmartAudit.Bench.E2E;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;

namespace SmartAudit.Bench.KillTest;

/// <summary>
/// How many acknowledged decisions the embedded JSON-lines log loses when the server is killed with SIGKILL: the
/// server in its own process (the Release build under <c>serverRoot</c>, so an older checkout can be measured the same
/// way), <c>clients</c> closed-loop callers sending MID Check requests with unique request ids, SIGKILL once
/// <c>killAt</c> answers have come back, then the log read: every acknowledged request id missing from it is a lost
/// promise; a last line without its newline is a torn line. Repeated <c>repeat</c> times, one fresh log each.
/// </summary>
internal static class KillTestSuite
{
    private const int Clients = 32;

    public static async Task<int> RunAsync(string repoRoot, string serverRoot, string outDir, int killAt, int repeat, IReadOnlyList<string> serverArgs)
    {
        var rules = SyntheticCatalogue.Source(2_000);
        var work = Directory.CreateTempSubdirectory("smartaudit-killtest-");
        var rows = new List<string>();
        try
        {
            foreach (var file in rules.Files)
            {
                var target = Path.Combine(work.FullName, "rules", file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, file.Content);
            }

            for (var run = 1; run <= repeat; run++)
            {
                var log = Path.Combine(work.FullName, $"decisions-{run}.jsonl");
                var result = await RunOnceAsync(serverRoot, Path.Combine(work.FullName, "rules"), log, killAt, run,
                    ["--Fraud:Enabled=false", .. serverArgs]);
                Console.Error.WriteLine($"  run {run}: {result}");
                rows.Add($"| {run} | {result.Acknowledged:N0} | {result.Logged:N0} | {result.Missing:N0} | {result.TornLines} | {result.KilledAfter.TotalSeconds:0.0} s |");
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }

        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Kill -9 of the server with the JSON-lines decision log: {Clients} closed-loop clients, SIGKILL after {killAt:N0} answers; server {serverRoot}; extra server arguments: {(serverArgs.Count == 0 ? "none" : string.Join(' ', serverArgs))}")
            .AppendLine()
            .AppendLine("| run | acknowledged | in the log | acknowledged but missing | torn last line | killed after |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        rows.ForEach(r => markdown.AppendLine(r));
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(Path.Combine(outDir, "killtest-latest.md"), markdown.ToString());
        return 0;
    }

    private static async Task<KillResult> RunOnceAsync(string serverRoot, string rulesPath, string logPath, int killAt, int run, string[] args)
    {
        await using var server = await ServerProcess.StartAsync(serverRoot, rulesPath, [$"--DecisionLog:Path={logPath}", .. args]);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new AuditService.AuditServiceClient(channel);
        var template = WireOrders.FiveLineOrder();
        template.Stage = Stage.Mid;
        var acknowledged = new ConcurrentBag<string>();
        var next = 0L;
        var killed = new TaskCompletionSource();
        var clock = Stopwatch.StartNew();

        async Task CallerAsync()
        {
            while (!killed.Task.IsCompleted)
            {
                var n = Interlocked.Increment(ref next);
                var order = template.Clone();
                order.RequestId = $"KT{run}-{n:D7}";
                order.Patient.Id = $"KT-P{n % 4096:D5}";
                order.Encounter.Id = $"KT-E{n:D7}";
                try
                {
                    await client.CheckAsync(order, deadline: DateTime.UtcNow.AddSeconds(10));
                }
                catch (RpcException)
                {
                    return; // the server is gone: this answer was never acknowledged
                }

                acknowledged.Add(order.RequestId);
                if (acknowledged.Count >= killAt && !killed.Task.IsCompleted)
                {
                    Process.GetProcessById(server.Pid).Kill(); // SIGKILL on Unix: no shutdown, no drain
                    killed.TrySetResult();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(CallerAsync)));
        var killedAfter = clock.Elapsed;
        await Task.Delay(200); // the process is gone; let the file system settle

        var bytes = await File.ReadAllBytesAsync(logPath);
        var torn = bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0;
        var logged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                logged.Add(JsonDocument.Parse(line).RootElement.GetProperty("requestId").GetString()!);
            }
            catch (JsonException)
            {
                // the torn line: counted above
            }
        }

        var missing = acknowledged.Count(id => !logged.Contains(id));
        return new KillResult(acknowledged.Count, logged.Count, missing, torn, killedAfter);
    }

    private sealed record KillResult(int Acknowledged, int Logged, int Missing, int TornLines, TimeSpan KilledAfter);
}
