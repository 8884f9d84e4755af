using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Fraud.Simulation;
using SmartAudit.Redis;
using SmartAudit.Redis.Cases;
using SmartAudit.Testing;
using StackExchange.Redis;

namespace SmartAudit.Cli.Tests;

/// <summary><c>smartaudit cases rebuild</c> and <c>model export-labels --kafka</c> on librdkafka's mock cluster holding a review history.</summary>
public sealed class CasesRebuildTests : IAsyncLifetime
{
    private readonly KafkaMockCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("smartaudit-cases-").FullName;
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _cluster.CreateTopic("smartaudit.cases.v1", 2);
        _cluster.CreateTopic("smartaudit.decisions.v1", 2);
        _cluster.CreateTopic("smartaudit.case-decisions.v1", 2);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        foreach (var record in CaseHistory.Cases)
        {
            Produce(producer, "smartaudit.cases.v1", record.PatientId, CaseRecord.SchemaV1, CaseJsonContext.ToUtf8(record));
        }

        foreach (var decision in CaseHistory.Decisions)
        {
            Produce(producer, "smartaudit.decisions.v1", decision.PatientId, DecisionRecord.SchemaV1, DecisionJsonContext.ToUtf8(decision));
        }

        var decisions = CaseHistory.CaseDecisions();
        foreach (var decision in decisions.Append(decisions[3])) // C2's first review twice, as a spool replay may
        {
            Produce(producer, "smartaudit.case-decisions.v1", decision.CaseId, CaseDecision.SchemaV1, CaseJsonContext.ToUtf8(decision));
        }

        producer.Flush(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        _cluster.Dispose();
        await _redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Rebuild_InMemory_PrintsWhatTheViewWouldHold()
    {
        var run = Cli.Run("cases", "rebuild", "--kafka", _cluster.BootstrapServers);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr);
        Assert.Contains("read 4 records from smartaudit.cases.v1, 2 from smartaudit.decisions.v1, 10 from smartaudit.case-decisions.v1 (0 unreadable, skipped)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("cases: 5 (0 read again, 1 audit decisions raise no case)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("decisions: 9 applied, 1 duplicates skipped, 0 left out", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("queue: 1 awaiting first review, 1 needing information, 1 confirmed, 2 false positive", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing was written", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_IntoRedis_ReplacesTheViewEveryInstanceReads()
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        await using var store = new RedisCaseStore(multiplexer, new RedisKeys("smartaudit:"), Options.Create(new RedisOptions { Configuration = _redis.Configuration }),
            NullLogger<RedisCaseStore>.Instance);
        await store.StartAsync(CancellationToken.None);
        await store.AddAsync(SmartAudit.Testing.Cases.Cases.Flagged("stale"));

        var run = Cli.Run("cases", "rebuild", "--kafka", _cluster.BootstrapServers, "--redis", $"redis://{_redis.Configuration}");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr);
        Assert.Contains($"rebuilt the workbench's view in Redis at {_redis.Configuration} (key prefix smartaudit:)", run.Stdout, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await store.QueryAsync(new CaseQuery { Status = StatusFilter.All })).Total != 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var queue = await store.QueryAsync(new CaseQuery { Status = StatusFilter.All });
        Assert.Equal(["PRE-1", "C1", "C3", "C2", "C4"], queue.Items.Select(c => c.CaseId));
        Assert.Equal(CaseStatus.FalsePositive, (await store.GetAsync("C1"))!.State.Status);
    }

    [Fact]
    public void ExportLabels_FromKafka_FinalOutcomesAsLabels()
    {
        var output = Path.Combine(_folder, "labels.jsonl");

        var run = Cli.Run("model", "export-labels", "--kafka", _cluster.BootstrapServers, "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr);
        Assert.Contains($"3 labelled claims written to {output}: 1 confirmed (label 1), 2 false positive (label 0)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("skipped: 1 needing information, 1 not decided yet", run.Stdout, StringComparison.Ordinal);
        using var reader = new StreamReader(output);
        var rows = SimulatedClaimsFile.Read(reader);
        Assert.Equal([("C3", true), ("C1", false), ("C2", false)], rows.Select(r => (r.Request.RequestId, r.Label)));
    }

    [Fact]
    public void Rebuild_NoSuchTopics_Exits1NamingTheTopic()
    {
        using var empty = new KafkaMockCluster();

        var run = Cli.Run("cases", "rebuild", "--kafka", empty.BootstrapServers);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("could not read the case topics", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("smartaudit.cases.v1", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rebuild_RedisUnreachable_Exits2()
    {
        var run = Cli.Run("cases", "rebuild", "--kafka", _cluster.BootstrapServers, "--redis", "127.0.0.1:1");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("cannot reach Redis at 127.0.0.1:1", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
    }

    private static void Produce(IProducer<string, byte[]> producer, string topic, string key, string schema, byte[] value) =>
        producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = new Headers { { "schema", Encoding.UTF8.GetBytes(schema) } } });
}
