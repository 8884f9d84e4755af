using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Embedded.Decisions;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>The embedded JSON-lines log: no record stops it, the file is always whole lines, and its files are the service's only.</summary>
public sealed class JsonLinesDecisionLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"smartaudit-jsonl-{Guid.NewGuid():N}");

    private string LogPath => Path.Combine(_folder, "decisions.jsonl");

    private string DeadLetterPath => Path.Combine(_folder, "decisions.deadletter.jsonl");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    public static TheoryData<string> NonFinite => ["fraud-score", "fraud-feature", "line-quantity"];

    // Issue 16 item 1: a +Infinity fraud feature (quantity 1e39 on a MID/POST line) made the writer throw, the
    // BackgroundService stop the host, and every queued decision go with it.
    [Theory]
    [MemberData(nameof(NonFinite))]
    public async Task Writer_RecordWithNonFiniteNumber_IsSetAsideAndTheOthersAreLogged_HostKeepsRunning(string where)
    {
        var logs = new CapturedLogs();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(Options.Create(new DecisionLogOptions { Path = LogPath }));
        builder.Services.AddSingleton<JsonLinesDecisionLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JsonLinesDecisionLog>());
        using var host = builder.Build();
        var log = host.Services.GetRequiredService<JsonLinesDecisionLog>();
        using var setAside = new SetAsideCounter(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync();

        log.Append(Decision("R1"));
        log.Append(Poisoned("R2", where));
        log.Append(Decision("R3"));
        await Eventually(() => ReadIds(LogPath).Count == 2 && File.Exists(DeadLetterPath));

        Assert.Equal(["R1", "R3"], ReadIds(LogPath));
        var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(DeadLetterPath))).RootElement;
        Assert.Equal("unserializable", entry.GetProperty("reason").GetString());
        Assert.Equal("R2", entry.GetProperty("requestId").GetString());
        Assert.Equal("R2", entry.GetProperty("record").GetProperty("requestId").GetString()); // what could be kept, non-finite as strings
        Assert.Equal(1, setAside.Total);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.False(log.ExecuteTask!.IsCompleted);
        Assert.Contains(logs.Messages, m => m.Contains("R2", StringComparison.Ordinal) && m.Contains("set aside", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(Orders.Patient().Id, StringComparison.Ordinal));

        log.Append(Decision("R4")); // and it goes on taking records
        await Eventually(() => ReadIds(LogPath).Count == 3);
        await host.StopAsync();
    }

    [Fact]
    public void WriteThrough_QueueFullAndRecordUnserializable_SetAsideWithoutThrowingIntoTheRequest()
    {
        using var log = Create(o => o.QueueCapacity = 16); // never started: the queue fills, then records are written through
        for (var i = 0; i < 16; i++)
        {
            log.Append(Decision($"Q{i}"));
        }

        log.Append(Poisoned("BAD", "line-quantity"));
        log.Append(Decision("AFTER"));

        Assert.Contains("BAD", File.ReadAllText(DeadLetterPath), StringComparison.Ordinal);
        Assert.Contains("AFTER", ReadIds(LogPath));
    }

    // Issue 16 item 5: a crash mid-write left half a line, and the next record was appended onto it.
    [Fact]
    public async Task Open_TornLastLine_IsSetAsideAndNewRecordsStartOnAFreshLine()
    {
        Directory.CreateDirectory(_folder);
        var whole = Encoding.UTF8.GetString(DecisionJsonContext.ToUtf8(DecisionRecord.From(Decision("OLD")))) + "\n";
        const string torn = "{\"schema\":\"smartaudit.decision.v1\",\"requestId\":\"TORN\",\"decidedAt\":\"2026-";
        await File.WriteAllTextAsync(LogPath, whole + torn);

        using (var log = Create())
        {
            await log.StartAsync(CancellationToken.None);
            log.Append(Decision("NEW"));
            await log.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["OLD", "NEW"], ReadIds(LogPath)); // every line parses
        var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(DeadLetterPath))).RootElement;
        Assert.Equal("torn-tail", entry.GetProperty("reason").GetString());
        Assert.Equal(torn, entry.GetProperty("partialLine").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(whole), entry.GetProperty("offset").GetInt64());
    }

    [Fact]
    public void Open_WholeLines_LeavesTheFileAsItIs()
    {
        Directory.CreateDirectory(_folder);
        var whole = DecisionJsonContext.ToUtf8(DecisionRecord.From(Decision("OLD"))).Concat("\n"u8.ToArray()).ToArray();
        File.WriteAllBytes(LogPath, whole);

        using (Create())
        {
        }

        Assert.Equal(whole, File.ReadAllBytes(LogPath));
        Assert.False(File.Exists(DeadLetterPath));
    }

    [Fact]
    public void Open_NewFiles_AreReadableByTheServiceAccountOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        using (var log = Create())
        {
            log.Append(Poisoned("R1", "fraud-score")); // not started, queue of 16: goes to the queue, set aside when drained
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LogPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DeadLetterPath));
    }

    [Theory]
    [InlineData(DecisionLogFsyncPolicy.None)]
    [InlineData(DecisionLogFsyncPolicy.Interval)]
    [InlineData(DecisionLogFsyncPolicy.EveryBatch)]
    public async Task Writer_EachFsyncPolicy_RecordReachesTheFileWhileRunning(DecisionLogFsyncPolicy policy)
    {
        using var log = Create(o =>
        {
            o.FsyncPolicy = policy;
            o.FsyncInterval = TimeSpan.FromMilliseconds(50);
        });
        await log.StartAsync(CancellationToken.None);

        log.Append(Decision("R1"));

        await Eventually(() => ReadIds(LogPath).Count == 1); // handed to the OS within the flush interval, not at stop
        await log.StopAsync(CancellationToken.None);
    }

    private JsonLinesDecisionLog Create(Action<DecisionLogOptions>? configure = null)
    {
        var options = new DecisionLogOptions { Path = LogPath, QueueCapacity = 16 };
        configure?.Invoke(options);
        return new JsonLinesDecisionLog(Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLogger<JsonLinesDecisionLog>.Instance);
    }

    private static List<string> ReadIds(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var ids = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            ids.Add(JsonDocument.Parse(line).RootElement.GetProperty("requestId").GetString()!);
        }

        return ids;
    }

    private static Decision Decision(string requestId, double quantity = 2, FraudAssessment? fraud = null)
    {
        var request = Orders.Request(Stage.Mid, lines: Orders.Line("XG04CBF036A001", "1", quantity: quantity, unitPriceFen: 150)) with { RequestId = requestId };
        return new Decision(request, AuditAction.Pass, [], "2026.03.1+a1b2c3d4", [], 100, new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.FromHours(8)), fraud);
    }

    private static Decision Poisoned(string requestId, string where) => where switch
    {
        "fraud-score" => Decision(requestId, fraud: new FraudAssessment(double.PositiveInfinity, "m1", [])),
        "fraud-feature" => Decision(requestId, fraud: new FraudAssessment(0.5, "m1", [new FraudReason("drug_share", double.NaN, 0.1, "x", "x")])),
        _ => Decision(requestId, quantity: double.PositiveInfinity),
    };

    private static async Task Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for the log");
            await Task.Delay(20);
        }
    }

    /// <summary>Adds up the set-aside counter of one host's meter factory.</summary>
    private sealed class SetAsideCounter : IDisposable
    {
        private readonly MeterListener _listener;
        private long _total;

        public SetAsideCounter(IMeterFactory factory)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Scope == factory && instrument.Name == "smartaudit.decision_log.set_aside")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
