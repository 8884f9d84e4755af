using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;
using SmartAudit.Kafka.Post;
using SmartAudit.Testing;
using Sex = SmartAudit.Contracts.V1.Sex;
using Stage = SmartAudit.Contracts.V1.Stage;

namespace SmartAudit.Kafka.Tests.Post;

/// <summary>
/// One test's POST stage: a mock cluster with the claims, cases and rejected topics, settled claims whose
/// outcome is known in advance (one patient each, so no claim's history changes another's), and the
/// workers the test starts, all auditing with the shipped rules into one shared history store, as servers
/// share Redis.
/// </summary>
public sealed class AuditWorkerHarness : IAsyncDisposable
{
    public const int Partitions = 4;
    public const string Group = "post-audit-test";
    private const string FlaggedItem = "XG04CBF036A001"; // men only; the patients are women: GZ-SEX-001 (WARN at POST)
    private const string FineItem = "XB05BBN001A001";
    private readonly List<AuditWorker> _workers = [];
    private readonly List<(AuditWorker Worker, Task Run, CancellationTokenSource Stop)> _running = [];
    private readonly IPatientHistoryStore _history = new InMemoryPatientHistoryStore(new HistoryOptions());
    private readonly ActiveRuleSet _rules = new(ShippedRules.RuleSet);
    private int _claims;

    public AuditWorkerHarness(int casePartitions = Partitions)
    {
        Cluster.CreateTopic(Options.ClaimsTopic, Partitions);
        Cluster.CreateTopic(Options.CasesTopic, casePartitions);
        Cluster.CreateTopic(Options.RejectedTopic, Partitions);
    }

    public KafkaMockCluster Cluster { get; } = new();

    public AuditWorkerOptions Options { get; } = new() { GroupId = Group, BatchSize = 40, MaxBatchWait = TimeSpan.FromMilliseconds(50) };

    /// <summary>Decisions the workers' auditors put on record.</summary>
    public ConcurrentQueue<Decision> Decisions { get; } = new();

    /// <summary>Keys (patient ids, one per claim) of the claims that must become cases and rejections.</summary>
    public List<string> ExpectedCases { get; } = [];

    public List<string> ExpectedRejections { get; } = [];

    public int ClaimCount => _claims;

    /// <summary>
    /// Publishes <paramref name="count"/> settled claims keyed by patient: every third flagged, one in fifty not
    /// JSON and another one in fifty without a patient (both rejected), the rest clean.
    /// </summary>
    public void ProduceClaims(int count)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = Cluster.BootstrapServers }).Build();
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default);
        for (var n = 0; n < count; n++)
        {
            var i = _claims++;
            var patient = $"P{i:D6}";
            string json;
            if (i % 50 == 7)
            {
                json = "{\"requestId\": \"C" + i + "\", \"lines\": [ truncated";
                ExpectedRejections.Add(patient);
            }
            else
            {
                var flagged = i % 3 == 0;
                var claim = WireOrders.Request($"C{i:D6}", Stage.Post, Sex.Female, WireOrders.Line(flagged ? FlaggedItem : FineItem));
                claim.Patient.Id = patient;
                claim.Encounter.Id = $"E{i:D6}";
                if (i % 50 == 23)
                {
                    claim.Patient = null;
                    ExpectedRejections.Add(patient);
                }
                else if (flagged)
                {
                    ExpectedCases.Add(patient);
                }

                json = formatter.Format(claim);
            }

            producer.Produce(Options.ClaimsTopic, new Message<string, byte[]> { Key = patient, Value = Encoding.UTF8.GetBytes(json) });
        }

        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Publishes one flagged claim whose two lines each cost nearly <see cref="long.MaxValue"/> fen (a case), or, with
    /// <paramref name="throwOnRecord"/>, one whose decision the auditor's log refuses with an exception (a rejection).
    /// </summary>
    public void ProduceOddClaim(bool throwOnRecord = false)
    {
        var i = _claims++;
        var patient = $"P{i:D6}";
        var huge = WireOrders.Line(FlaggedItem, "1", unitPriceFen: 1);
        huge.AmountFen = long.MaxValue - 1;
        var twin = huge.Clone();
        twin.LineId = "2";
        var claim = WireOrders.Request((throwOnRecord ? CollectingLog.Refused : "C") + $"{i:D6}", Stage.Post, Sex.Female, huge, twin);
        claim.Patient.Id = patient;
        claim.Encounter.Id = $"E{i:D6}";
        (throwOnRecord ? ExpectedRejections : ExpectedCases).Add(patient);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = Cluster.BootstrapServers }).Build();
        producer.Produce(Options.ClaimsTopic, new Message<string, byte[]> { Key = patient, Value = Encoding.UTF8.GetBytes(new JsonFormatter(JsonFormatter.Settings.Default).Format(claim)) });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    public AuditWorker Worker(string name)
    {
        var kafka = new KafkaOptions { BootstrapServers = Cluster.BootstrapServers, FlushTimeout = TimeSpan.FromSeconds(5) };
        var options = new AuditWorkerOptions
        {
            GroupId = Options.GroupId,
            BatchSize = Options.BatchSize,
            MaxBatchWait = Options.MaxBatchWait,
            // Amounts up to long.MaxValue pass the edge here, so that the odd claims reach the sums behind it:
            // those must hold even when the bounds are configured wide (the default refuses them at the edge).
            Bounds = new Contracts.Mapping.RequestBounds { MaxAmountFen = long.MaxValue },
        };
        // A killed worker is noticed by its session timeout: short, so a test does not wait 45 s.
        options.Consumer["session.timeout.ms"] = "4000";
        options.Consumer["heartbeat.interval.ms"] = "200";
        var auditor = new Auditor(_rules, new CollectingLog(Decisions), _history, TimeProvider.System);
        var worker = new AuditWorker(kafka, options, auditor, null, NullLogger.Instance, name);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Runs a worker in the background until the test stops it (or it crashes).</summary>
    public (AuditWorker Worker, Task Run) Start(AuditWorker worker)
    {
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => worker.RunAsync(stop.Token));
        _running.Add((worker, run, stop));
        return (worker, run);
    }

    /// <summary>Offsets the group has committed, summed over the claims partitions.</summary>
    public long Committed()
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = Cluster.BootstrapServers, GroupId = Group })
            .SetLogHandler((_, _) => { })
            .Build();
        var partitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Options.ClaimsTopic, p));
        return consumer.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(o => Math.Max(0, o.Offset.Value));
    }

    public Task AllCommitted(int seconds = 30) =>
        ConsumedRecords.Eventually(() => Committed() == _claims, $"the group commits all {_claims} claims", seconds);

    public List<ConsumeResult<string, byte[]>> Cases() => Cluster.ReadAll(Options.CasesTopic, Partitions, ExpectedCases.Count);

    public List<ConsumeResult<string, byte[]>> Rejections() => Cluster.ReadAll(Options.RejectedTopic, Partitions, ExpectedRejections.Count);

    public async ValueTask DisposeAsync()
    {
        foreach (var (worker, run, stop) in _running)
        {
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (SimulatedCrashException)
            {
                // the test crashed it on purpose
            }

            stop.Dispose();
        }

        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        Cluster.Dispose();
    }

    private sealed class CollectingLog(ConcurrentQueue<Decision> decisions) : IDecisionLog
    {
        /// <summary>Request ids starting so are refused with an exception, as an audit failing unexpectedly.</summary>
        public const string Refused = "THROW-";

        public void Append(Decision decision)
        {
            if (decision.Request.RequestId.StartsWith(Refused, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the test's log refuses this decision");
            }

            decisions.Enqueue(decision);
        }

        public void Append(Feedback feedback)
        {
        }
    }
}

/// <summary>Thrown by a test's step hook: the worker stops there, as a killed process would.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
