using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using SmartAudit.Core.Decisions;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

/// <summary><c>smartaudit report compliance</c> against librdkafka's mock cluster holding a few decisions and feedback.</summary>
public sealed class ReportComplianceTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly KafkaMockCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("smartaudit-compliance-").FullName;

    public ReportComplianceTests()
    {
        _cluster.CreateTopic("smartaudit.decisions.v1", 3);
        _cluster.CreateTopic("smartaudit.feedback.v1", 1);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        Produce(producer, Decision("R1", "E1", new(2026, 3, 10, 9, 0, 0, Beijing), flagged: true));
        Produce(producer, Decision("R2", "E1", new(2026, 3, 10, 9, 5, 0, Beijing), flagged: false)); // the flagged line taken out
        Produce(producer, Decision("R3", "E2", new(2026, 3, 11, 9, 0, 0, Beijing), flagged: true));
        Produce(producer, Decision("R-april", "E3", new(2026, 4, 11, 9, 0, 0, Beijing), flagged: true)); // outside the period
        var feedback = new FeedbackRecord(FeedbackRecord.SchemaV1, "R3", "GZ-SEX-001", "OVERRIDDEN", "OTHER", "", "D1", ["1"], new(2026, 3, 11, 9, 1, 0, Beijing));
        producer.Produce("smartaudit.feedback.v1", Message("R3", FeedbackRecord.SchemaV1, DecisionJsonContext.ToUtf8(feedback)));
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ReportCompliance_March_TablesWithTheRateInferredChangeAndOverrideReason()
    {
        var inferred = Path.Combine(_folder, "inferred.jsonl");

        var run = Cli.Run("report", "compliance", "--from", "2026-03-01", "--to", "2026-03-31", "--bootstrap", _cluster.BootstrapServers, "--inferred-out", inferred);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Read 4 decisions (3 distinct PRE)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("| total | 2 | 1 | 1 | 50.0% | 1 | 0 | 0 | OTHER 1 |", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("| H1 | 2 | 1 | 1 | 50.0% | 1 | 0 | 0 | OTHER 1 |", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("| GZ-SEX-001 | 2 |", run.Stdout, StringComparison.Ordinal);
        using var record = JsonDocument.Parse(Assert.Single(File.ReadAllLines(inferred)));
        Assert.Equal("R1", record.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("CHANGED", record.RootElement.GetProperty("kind").GetString());
        Assert.True(record.RootElement.GetProperty("inferred").GetBoolean());
    }

    [Fact]
    public void ReportCompliance_Json_TheWholeReport()
    {
        var run = Cli.Run("report", "compliance", "--from", "2026-03-01", "--to", "2026-03-31", "--bootstrap", _cluster.BootstrapServers, "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var total = json.RootElement.GetProperty("total");
        Assert.Equal(2, total.GetProperty("reminders").GetInt64());
        Assert.Equal(0.5, total.GetProperty("complianceRate").GetDouble());
        Assert.Equal(1, total.GetProperty("overridesByReason").GetProperty("OTHER").GetInt64());
    }

    [Fact]
    public void ReportCompliance_NoDates_UsageError()
    {
        var run = Cli.Run("report", "compliance", "--bootstrap", _cluster.BootstrapServers);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--from and --to are required", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportCompliance_MissingTopic_ProblemsNamingIt()
    {
        using var empty = new KafkaMockCluster();

        var run = Cli.Run("report", "compliance", "--from", "2026-03-01", "--to", "2026-03-31", "--bootstrap", empty.BootstrapServers);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("could not read smartaudit.decisions.v1", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static void Produce(IProducer<string, byte[]> producer, DecisionRecord decision) =>
        producer.Produce("smartaudit.decisions.v1", Message(decision.PatientId, DecisionRecord.SchemaV1, DecisionJsonContext.ToUtf8(decision), decision.DecidedAt));

    private static Message<string, byte[]> Message(string key, string schema, byte[] value, DateTimeOffset? at = null) => new()
    {
        Key = key,
        Value = value,
        Headers = new Headers { { "schema", Encoding.UTF8.GetBytes(schema) } },
        Timestamp = at is { } t ? new Timestamp(t.UtcDateTime) : Timestamp.Default,
    };

    private static DecisionRecord Decision(string requestId, string encounter, DateTimeOffset at, bool flagged) => new(
        DecisionRecord.SchemaV1, requestId, at, "PRE", "P1", encounter, "OUTPATIENT", "H1", 3, "GEN", "D1",
        flagged ? "BLOCK" : "PASS",
        flagged ? [new FindingRecord("GZ-SEX-001", "SEX_RESTRICTION", "BLOCK", "CERTAIN", false, "限男性", "men only", ["1"])] : [],
        "1.0.0+test", null, false, [], 80,
        flagged ? [new LineRecord("1", "XG04CBF036A001", "DRUG", 1, 100, 100), new LineRecord("2", "XB05BBN001A001", "DRUG", 1, 100, 100)]
                : [new LineRecord("2", "XB05BBN001A001", "DRUG", 1, 100, 100)]);
}
