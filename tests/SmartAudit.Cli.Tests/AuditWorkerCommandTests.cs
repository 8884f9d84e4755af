using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

/// <summary><c>smartaudit audit-worker</c> on librdkafka's mock cluster, until it has been idle for a moment.</summary>
public sealed partial class AuditWorkerCommandTests : IDisposable
{
    private readonly KafkaMockCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("smartaudit-worker-").FullName;

    public AuditWorkerCommandTests()
    {
        _cluster.CreateTopic("smartaudit.claims.v1", 2);
        _cluster.CreateTopic("smartaudit.cases.v1", 2);
        _cluster.CreateTopic("smartaudit.claims-rejected.v1", 2);
        _cluster.CreateTopic("smartaudit.decisions.v1", 2);
        _cluster.CreateTopic("smartaudit.feedback.v1", 1);
    }

    [Fact]
    public void AuditWorker_GeneratedClaims_AuditsEveryOneAndPrintsTheThroughput()
    {
        var claims = Path.Combine(_folder, "claims.jsonl");
        Cli.Run("claims", "generate", "--rules", ShippedRules.Folder, "--out", claims, "--count", "500");
        Produce(File.ReadAllLines(claims));

        var run = Cli.Run("audit-worker", "--bootstrap", _cluster.BootstrapServers, "--rules", ShippedRules.Folder,
            "--spool", Path.Combine(_folder, "spool"), "--until-idle", "1");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var summary = Summary().Match(run.Stdout);
        Assert.True(summary.Success, run.Stdout);
        Assert.Equal("500", summary.Groups["claims"].Value);
        var cases = int.Parse(summary.Groups["cases"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(cases, 1, 499);
        Assert.Equal(cases, _cluster.ReadAll("smartaudit.cases.v1", 2, cases).Count);
        Assert.Equal(500, _cluster.ReadAll("smartaudit.decisions.v1", 2, 500).Count);
    }

    [Fact]
    public void AuditWorker_MissingClaimsTopic_ProblemsNamingIt()
    {
        using var empty = new KafkaMockCluster();

        var run = Cli.Run("audit-worker", "--bootstrap", empty.BootstrapServers, "--rules", ShippedRules.Folder, "--spool", Path.Combine(_folder, "spool"), "--until-idle", "5");

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("smartaudit.claims.v1 not found", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditWorker_Help_OneWordCommand()
    {
        var run = Cli.Run("audit-worker", "--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith("Usage: smartaudit audit-worker [--bootstrap", run.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void Produce(string[] lines)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        foreach (var line in lines)
        {
            producer.Produce("smartaudit.claims.v1", new Message<string, byte[]> { Key = Guid.NewGuid().ToString(), Value = Encoding.UTF8.GetBytes(line) });
        }

        producer.Flush(TimeSpan.FromSeconds(10));
    }

    [GeneratedRegex(@"^(?<claims>[\d,]+) claims audited \((?<cases>[\d,]+) cases, 0 rejected, 0 already published\) in [\d.]+ s: [\d,]+ claims/minute$", RegexOptions.Multiline)]
    private static partial Regex Summary();
}

/// <summary><c>smartaudit audit-worker --redis</c>: the active rule set and the shared patient history from Redis, as the servers.</summary>
public sealed class AuditWorkerRedisTests : IAsyncLifetime
{
    private readonly KafkaMockCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("smartaudit-worker-redis-").FullName;
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        foreach (var topic in new[] { "smartaudit.claims.v1", "smartaudit.cases.v1", "smartaudit.claims-rejected.v1", "smartaudit.decisions.v1" })
        {
            _cluster.CreateTopic(topic, 2);
        }
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AuditWorker_Redis_RunsTheActiveRuleSetAndRecordsHistoryThere()
    {
        var (_, bundle) = TestBundles.Version("1.0.0");
        var bundlePath = Path.Combine(_folder, "1.0.0.ruleset.json.gz");
        await File.WriteAllBytesAsync(bundlePath, bundle);
        Assert.Equal(ExitCodes.Success, Cli.Run("rules", "publish", bundlePath, "--redis", Url).ExitCode);
        var claims = Path.Combine(_folder, "claims.jsonl");
        Cli.Run("claims", "generate", "--rules", ShippedRules.Folder, "--out", claims, "--count", "200");
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build())
        {
            foreach (var line in await File.ReadAllLinesAsync(claims))
            {
                producer.Produce("smartaudit.claims.v1", new Message<string, byte[]> { Key = "k", Value = Encoding.UTF8.GetBytes(line) });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        var run = Cli.Run("audit-worker", "--bootstrap", _cluster.BootstrapServers, "--redis", Url, "--rules", Path.Combine(_folder, "no-such-folder"),
            "--spool", Path.Combine(_folder, "spool"), "--until-idle", "1");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr);
        Assert.StartsWith("200 claims audited", run.Stdout, StringComparison.Ordinal);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var historyKeys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "smartaudit:history:*").Count();
        Assert.True(historyKeys > 0, "the settled claims were recorded in the shared history");
    }

    private string Url => $"redis://127.0.0.1:{_redis.Port}";
}
