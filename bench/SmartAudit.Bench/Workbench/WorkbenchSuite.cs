using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SmartAudit.Core.Cases;
using SmartAudit.Testing;
using static SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Bench.Workbench;

/// <summary>
/// The workbench's pages at a realistic queue size: the embedded server (in this process) is filled with N cases
/// (default 100,000: many hospitals, doctors and rules over six months, a third already in review), a lead signs in,
/// and each page is requested over loopback HTTP many times. Reports the server's own time per page (measured by the
/// page, printed in its footer) and the client's round trip, median and p90.
/// </summary>
internal static partial class WorkbenchSuite
{
    private static readonly string[] RuleIds =
    [
        "GZ-SEX-001", "GZ-AGE-001", "GZ-LVL-001", "GZ-DEP-001", "GZ-IND-001", "GZ-DOS-001", "GZ-DAY-001", "GZ-DUP-001", "GZ-DUP-002", "GZ-CON-001",
        "GZ-CHG-001", "GZ-EXC-001", "GZ-EXC-002", "GZ-FRQ-001", "GZ-PRC-001", "GZ-STY-001", "GZ-SPL-001", "GZ-VIS-001", "MODEL",
    ];

    public static async Task<int> RunAsync(string outDir, int cases, int requests)
    {
        Console.Error.WriteLine($"SmartAudit workbench benchmark: {cases:N0} cases, {requests} requests per page");
        await using var host = await WorkbenchHost.StartAsync(settings: ["Logging:LogLevel:Default=Warning"]);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var fill = Stopwatch.StartNew();
        await FillAsync(host.Store, cases);
        fill.Stop();
        var bytesPerCase = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)cases;

        using var client = await host.SignInAsync(LeadChen);
        var total = (await host.Store.QueryAsync(new CaseQuery())).Pages;
        (string Name, string Path)[] pages =
        [
            ("queue: open cases, first page", "/"),
            ($"queue: open cases, page {total / 2:N0} of {total:N0}", $"/?page={total / 2}"),
            ("queue: one hospital", "/?hospital=H0042"),
            ("queue: one rule, every status", "/?rule=GZ-EXC-001&status=All"),
            ("queue: one doctor, one week", "/?doctor=D00420&status=All&from=2026-03-01&to=2026-03-07"),
            ("queue: confirmed, page 3", "/?status=Confirmed&page=3"),
            ("case page", "/cases/B000042"),
            ("dashboard", "/dashboard"),
            ("CSV export: one hospital", "/export.csv?hospital=H0042"),
        ];

        var rows = new List<string>();
        foreach (var (name, path) in pages)
        {
            for (var i = 0; i < 5; i++)
            {
                await client.GetStringAsync(path); // warm-up
            }

            var server = new List<double>();
            var roundTrip = new List<double>();
            long bytes = 0;
            for (var i = 0; i < requests; i++)
            {
                var clock = Stopwatch.StartNew();
                var body = await client.GetStringAsync(path);
                roundTrip.Add(clock.Elapsed.TotalMilliseconds);
                bytes = body.Length;
                if (ServerMs().Match(body) is { Success: true } m)
                {
                    server.Add(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            rows.Add($"| {name} | {(server.Count > 0 ? Ms(Percentile(server, 0.5)) : "-")} | {(server.Count > 0 ? Ms(Percentile(server, 0.9)) : "-")} | {Ms(Percentile(roundTrip, 0.5))} | {Ms(Percentile(roundTrip, 0.9))} | {bytes / 1024.0:0} |");
            Console.Error.WriteLine(rows[^1]);
        }

        // The store's query alone, in process, for the same filters: what the page adds is rendering and HTTP.
        (string Name, CaseQuery Query)[] queries =
        [
            ("open cases, first page", new CaseQuery()),
            ("one hospital", new CaseQuery { HospitalId = "H0042" }),
            ("one rule, every status", new CaseQuery { RuleId = "GZ-EXC-001", Status = StatusFilter.All }),
            ("one doctor, one week", new CaseQuery { DoctorId = "D00420", Status = StatusFilter.All, From = new DateOnly(2026, 3, 1), To = new DateOnly(2026, 3, 7) }),
            ("dashboard figures", new CaseQuery { Status = StatusFilter.All }),
        ];
        var storeRows = new List<string>();
        foreach (var (name, query) in queries)
        {
            var times = new List<double>();
            for (var i = 0; i < requests + 5; i++)
            {
                var clock = Stopwatch.StartNew();
                if (name.StartsWith("dashboard", StringComparison.Ordinal))
                {
                    await host.Store.StatsAsync(query);
                }
                else
                {
                    await host.Store.QueryAsync(query);
                }

                if (i >= 5)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            storeRows.Add($"| {name} | {Ms(Percentile(times, 0.5))} | {Ms(Percentile(times, 0.9))} |");
        }

        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Workbench pages with {cases:N0} cases in the embedded store ({Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC); {requests} requests per page after 5 warm-up requests, one at a time, signed in as a lead.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Filling the store: {fill.Elapsed.TotalSeconds:0.0} s; about {bytesPerCase / 1024:0.0} KiB of memory per case (record, decisions and queue row).")
            .AppendLine()
            .AppendLine("| page | server p50 ms | server p90 ms | round trip p50 ms | round trip p90 ms | KiB |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        rows.ForEach(r => markdown.AppendLine(r));
        markdown.AppendLine().AppendLine("The store's query alone (in process, same filters):").AppendLine()
            .AppendLine("| query | p50 ms | p90 ms |").AppendLine("| --- | ---: | ---: |");
        storeRows.ForEach(r => markdown.AppendLine(r));
        var text = markdown.ToString();
        Console.WriteLine(text);
        var file = Path.Combine(outDir, "workbench-latest.md");
        await File.WriteAllTextAsync(file, text);
        Console.Error.WriteLine($"Wrote {file}");
        return 0;
    }

    private static async Task FillAsync(ICaseStore store, int count)
    {
        var random = new Random(20261123);
        var start = new DateTimeOffset(2025, 10, 1, 9, 0, 0, TimeSpan.FromHours(8));
        for (var i = 0; i < count; i++)
        {
            var rules = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => RuleIds[random.Next(RuleIds.Length)]).Distinct().ToArray();
            var record = Flagged(
                caseId: $"B{i:D6}",
                score: random.NextDouble() < 0.1 ? null : Math.Round(random.NextDouble(), 4),
                severity: random.Next(3) switch { 0 => "BLOCK", 1 => "WARN", _ => "REMIND" },
                hospitalId: $"H{random.Next(200):D4}",
                doctorId: $"D{random.Next(2000):D5}",
                stage: random.Next(10) switch { 0 => "PRE", 1 => "MID", _ => "POST" },
                at: start.AddMinutes(random.Next(180 * 24 * 60)),
                patientId: $"P{random.Next(60000):D6}",
                ruleIds: rules);
            await store.AddAsync(record);
            var roll = random.Next(10);
            if (roll < 3)
            {
                var file = (await store.GetAsync(record.CaseId))!;
                await store.AppendAsync(CaseWorkflow.Decide(file, FirstReview(), ReviewerWang, record.FlaggedAt.AddDays(2)));
                if (roll < 1)
                {
                    file = (await store.GetAsync(record.CaseId))!;
                    await store.AppendAsync(CaseWorkflow.Decide(file, SecondReview(), LeadLi, record.FlaggedAt.AddDays(4)));
                }
            }
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    [GeneratedRegex("data-server-ms=\"([0-9.]+)\"")]
    private static partial Regex ServerMs();
}
