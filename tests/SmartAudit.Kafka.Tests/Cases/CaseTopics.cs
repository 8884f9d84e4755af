using System.Text;
using Confluent.Kafka;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Kafka.Cases;
using TestCases = SmartAudit.Testing.Cases.Cases;

namespace SmartAudit.Kafka.Tests.Cases;

/// <summary>
/// One test's world for cases: the log harness's cluster with the cases and case-decisions topics too, a plain
/// producer for what other services publish (the POST worker's cases, the audit decisions), and the case
/// decision log writing what the workbench decides.
/// </summary>
public sealed class CaseTopics : IAsyncDisposable
{
    public const string CasesTopic = "smartaudit.cases.v1";
    public const string CaseDecisionsTopic = "smartaudit.case-decisions.v1";
    private readonly IProducer<string, byte[]> _producer;

    private CaseTopics(KafkaLogHarness harness, KafkaDecisionLog log)
    {
        Harness = harness;
        Log = new KafkaCaseDecisionLog(log);
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = harness.Cluster.BootstrapServers, EnableIdempotence = true })
            .SetLogHandler((_, _) => { })
            .Build();
    }

    public KafkaLogHarness Harness { get; }

    public KafkaCaseDecisionLog Log { get; }

    public KafkaOptions Kafka => Harness.Options();

    public static async Task<CaseTopics> StartAsync()
    {
        var harness = new KafkaLogHarness();
        harness.Cluster.CreateTopic(CasesTopic, 2);
        harness.Cluster.CreateTopic(CaseDecisionsTopic, 3);
        return new CaseTopics(harness, await harness.StartAsync());
    }

    /// <summary>A flagged claim, as the POST worker publishes it (keyed by patient).</summary>
    public void PublishCase(CaseRecord record) => Produce(CasesTopic, record.PatientId, CaseRecord.SchemaV1, CaseJsonContext.ToUtf8(record));

    /// <summary>An audit decision, as the decision log publishes it (keyed by patient).</summary>
    public void PublishDecision(DecisionRecord record) =>
        Produce(KafkaLogHarness.Topics.Decisions, record.PatientId, DecisionRecord.SchemaV1, DecisionJsonContext.ToUtf8(record));

    /// <summary>Something on the cases topic that is not a case.</summary>
    public void PublishGarbage() => Produce(CasesTopic, "P0", CaseRecord.SchemaV1, "{not json"u8.ToArray());

    /// <summary>Takes the workbench's decision: into <paramref name="store"/> first, then on record, as the workbench does.</summary>
    public async Task<CaseDecision> DecideAsync(ICaseStore store, string caseId, CaseDecisionInput input, Reviewer who, int hours)
    {
        var decision = CaseWorkflow.Decide((await store.GetAsync(caseId))!, input, who, TestCases.FlaggedAt.AddHours(hours));
        await store.AppendAsync(decision);
        await Log.AppendAsync(decision);
        return decision;
    }

    /// <summary>Waits until the producer and the log have every record on the cluster.</summary>
    public async Task FlushAsync(int caseDecisions)
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        await ConsumedRecords.Eventually(
            () => Harness.Cluster.ReadAll(CaseDecisionsTopic, 3, caseDecisions, TimeSpan.FromSeconds(1)).Count >= caseDecisions,
            $"{caseDecisions} case decisions on the topic");
    }

    public async ValueTask DisposeAsync()
    {
        _producer.Dispose();
        await Harness.DisposeAsync();
    }

    /// <summary>A PRE or MID audit decision with one finding on line 1, optionally scored by the fraud model.</summary>
    public static DecisionRecord Decision(string requestId, string stage, string action, double? fraud = null) => new(
        DecisionRecord.SchemaV1, requestId, TestCases.FlaggedAt, stage, "P-" + requestId, "E-" + requestId, "OUTPATIENT", "H002", 3, "GEN", "D007", action,
        [new FindingRecord("GZ-SEX-001", "SEX_RESTRICTION", action == "PASS" ? "REMIND" : action, "CERTAIN", false, "限男性", "men only", ["1"])],
        "national-base 0.2.0", fraud is null ? null : "fraud-test", false, [], 80,
        [new LineRecord("1", "XG04CBF036A001", "DRUG", 1, 2000, 2000), new LineRecord("2", "110200001000000", "SERVICE", 1, 3000, 3000)],
        fraud is { } score ? new FraudRecord(score, [new FraudReason("doctor_claims_ratio", 3.1, 0.2, "医生接诊量偏高", "many claims per doctor")]) : null);

    /// <summary>The audit decision a POST case was flagged by, as the worker's auditor put it on record.</summary>
    public static DecisionRecord DecisionOf(CaseRecord record) => new(
        DecisionRecord.SchemaV1, record.CaseId, record.FlaggedAt, record.Stage, record.PatientId, record.EncounterId, record.EncounterKind,
        record.HospitalId, record.HospitalLevel, record.Department, record.DoctorId, record.Action, record.Findings, record.RuleSetVersion,
        record.ModelVersion, record.Degraded, record.DegradedReasons, 80, record.Lines, record.Fraud);

    private void Produce(string topic, string key, string schema, byte[] value) =>
        _producer.Produce(topic, new Message<string, byte[]>
        {
            Key = key,
            Value = value,
            Headers = new Headers { { "schema", Encoding.UTF8.GetBytes(schema) } },
        });
}
