using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.History;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>
/// A stream is audited several requests at a time, so a history store's round trips do not hold it to one
/// request per trip; a patient's requests are still audited in order, and answers come back in order.
/// The history store here answers after a delay, as a remote store does.
/// </summary>
public sealed class StreamPipeliningTests : IAsyncLifetime
{
    private readonly SlowHistoryStore _store = new(new InMemoryPatientHistoryStore(new HistoryOptions()));
    private AuditServerHost _host = null!;

    public async Task InitializeAsync() => _host = await AuditServerHost.StartAsync(services: s => s.AddSingleton<IPatientHistoryStore>(_store));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SamePatientTwiceInARow_TheSecondSeesTheVisitTheFirstSettled()
    {
        using var call = _host.Client.CheckStream();
        await call.RequestStream.WriteAsync(Amlodipine("settled-at-H1", "P-DUP", "E1", "H1", Stage.Mid, "XC08CAA001A001"));
        await call.RequestStream.WriteAsync(Amlodipine("other-patient", "P-OTHER", "E9", "H2", Stage.Mid, "XC08CAA001A001"));
        await call.RequestStream.WriteAsync(Amlodipine("ordered-at-H2", "P-DUP", "E2", "H2", Stage.Pre, "XC08CAA001A002"));
        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(["settled-at-H1", "other-patient", "ordered-at-H2"], answers.Select(a => a.RequestId));
        var duplicate = Assert.Single(answers[2].Findings, f => f.RuleId == "GZ-RPT-002");
        Assert.Contains("其他机构", duplicate.Message, StringComparison.Ordinal); // H1's record, told to H2 without naming H1
        Assert.DoesNotContain("H1", duplicate.MessageEn, StringComparison.Ordinal);
        Assert.DoesNotContain(answers[1].Findings, f => f.RuleId == "GZ-RPT-002");
        Assert.All(answers, a => Assert.False(a.Degraded));
    }

    [Fact]
    public async Task ManyPatients_AuditedSeveralAtATime_AnsweredInTheOrderSent()
    {
        using var call = _host.Client.CheckStream();
        var ids = Enumerable.Range(0, 40).Select(i => $"S{i:00}").ToList();

        var reading = call.ResponseStream.ReadAllAsync().ToListAsync().AsTask();
        foreach (var id in ids)
        {
            await call.RequestStream.WriteAsync(Amlodipine(id, "P-" + id, "E-" + id, "H1", Stage.Mid, "XC08CAA001A001"));
        }

        await call.RequestStream.CompleteAsync();
        var answers = await reading;

        Assert.Equal(ids, answers.Select(a => a.RequestId));
        Assert.All(answers, a => Assert.False(a.Degraded));
        Assert.True(_store.MostAtOnce > 1, $"the history store saw at most {_store.MostAtOnce} call at once");
    }

    private static CheckRequest Amlodipine(string requestId, string patientId, string encounterId, string hospitalId, Stage stage, string itemCode)
    {
        var request = WireOrders.Request(requestId, stage, Sex.Female, WireOrders.Line(itemCode, dailyDose: 5, daysOfSupply: 30));
        request.Patient.Id = patientId;
        request.Encounter.Id = encounterId;
        request.Encounter.HospitalId = hospitalId;
        request.Encounter.DiagnosisCodes.Clear();
        request.Encounter.DiagnosisCodes.Add("I10");
        return request;
    }

    /// <summary>A history store that answers each call after a short delay, and counts how many it had at once.</summary>
    private sealed class SlowHistoryStore(IPatientHistoryStore inner) : IPatientHistoryStore
    {
        private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(20);
        private int _inFlight;
        private int _mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public async ValueTask<PatientHistory> GetAsync(string patientId, CancellationToken cancellationToken)
        {
            Enter();
            try
            {
                await Task.Delay(Delay, cancellationToken);
                return await inner.GetAsync(patientId, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public async ValueTask RecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
        {
            Enter();
            try
            {
                await Task.Delay(Delay, cancellationToken);
                await inner.RecordAsync(entry, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private void Enter()
        {
            var now = Interlocked.Increment(ref _inFlight);
            for (var most = Volatile.Read(ref _mostAtOnce); now > most; most = Volatile.Read(ref _mostAtOnce))
            {
                if (Interlocked.CompareExchange(ref _mostAtOnce, now, most) == most)
                {
                    break;
                }
            }
        }
    }
}
