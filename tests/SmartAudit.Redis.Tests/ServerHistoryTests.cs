using System.Diagnostics;
using Grpc.Core;
using SmartAudit.Contracts.V1;
using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;
using static SmartAudit.Redis.Tests.RedisTestServers;

namespace SmartAudit.Redis.Tests;

/// <summary>Servers sharing the patient history through a real redis-server, and surviving its outage.</summary>
public sealed class ServerHistoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _cache = TempFolder();
    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private RuleSetStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        (_multiplexer, _store) = await ConnectStoreAsync(_redis);
        await _store.PublishAsync(TestBundles.WithHistoryRule("1.0.0"));
    }

    public async Task DisposeAsync()
    {
        await _multiplexer.DisposeAsync();
        await _redis.DisposeAsync();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task History_IsSharedBetweenServerInstances()
    {
        // A generous history budget: this test is about sharing, not about the latency budget.
        await using var a = await StartServerAsync(_redis, Path.Combine(_cache, "a"), "Redis:HistoryTimeout=00:00:01");
        await using var b = await StartServerAsync(_redis, Path.Combine(_cache, "b"), "Redis:HistoryTimeout=00:00:01");

        await a.Client.CheckAsync(Visit("V1", "E1", -6));
        await b.Client.CheckAsync(Visit("V2", "E2", -3));
        var third = await a.Client.CheckAsync(Visit("V3", "E3", 0));

        Assert.False(third.Degraded, string.Join("; ", third.DegradedReasons));
        Assert.Contains(third.Findings, f => f.RuleId == TestBundles.FrequentVisitsRuleId);
    }

    [Fact]
    public async Task FreshServer_FirstAnswers_AreNotDegradedByAColdHistoryConnection()
    {
        // Once, the first answers after start came back degraded: the connection, the scripts and the code path were cold.
        // The production budget, 20 ms: a cold first round trip took longer.
        await using var server = await StartServerAsync(_redis, _cache, "Redis:HistoryTimeout=00:00:00.020");

        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => server.Client.CheckAsync(Visit($"W{i}", $"EW{i}", 0)).ResponseAsync));

        Assert.All(first, answer => Assert.False(answer.Degraded, string.Join("; ", answer.DegradedReasons)));
    }

    [Fact]
    public async Task RedisStoppedAndRestarted_DuringAStream_AnswersKeepComing_DegradedWhileDown()
    {
        // 100 ms: long enough that a busy machine does not degrade answers before the outage, short enough
        // that no answer during it waits long (the multiplexer fails fast once it sees the connection gone).
        await using var server = await StartServerAsync(_redis, _cache, "Redis:HistoryTimeout=00:00:00.100");
        using var call = server.Client.CheckStream();
        var sent = 0;
        var phase = 0; // 0 before the outage, 1 during, 2 after recovery
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var request = WireOrders.FiveLineOrder($"{Volatile.Read(ref phase)}-{sent}");
                await call.RequestStream.WriteAsync(request, CancellationToken.None);
                sent++;
                await Task.Delay(2, CancellationToken.None);
            }

            await call.RequestStream.CompleteAsync();
        });
        var responses = new List<CheckResponse>();
        var reader = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                lock (responses)
                {
                    responses.Add(response);
                }
            }
        });

        await Task.Delay(200);
        Volatile.Write(ref phase, 1);
        _redis.Kill();
        await Task.Delay(500);
        await _redis.StartAgainAsync();
        Volatile.Write(ref phase, 2);
        var recovered = await EventuallyAsync(() => Task.FromResult(LastOf(responses) is { Degraded: false } last && last.RequestId.StartsWith('2')), TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await sender;
        await reader;

        var during = responses.Where(r => r.RequestId.StartsWith('1')).ToList();
        output.WriteLine($"{responses.Count} responses to {sent} requests; {during.Count(r => r.Degraded)} of {during.Count} degraded during the outage; "
            + $"slowest evaluation {responses.Max(r => r.EvaluationMicros)} µs");
        Assert.Equal(sent, responses.Count);
        Assert.All(responses, r => Assert.Null(r.Error));
        // Before the outage nothing is degraded (the last few labelled so may have been evaluated after the kill).
        Assert.All(responses.Where(r => r.RequestId.StartsWith('0')).SkipLast(10), r => Assert.False(r.Degraded, string.Join("; ", r.DegradedReasons)));
        Assert.Contains(during, r => r.Degraded && r.DegradedReasons.Any(reason => reason.Contains("history", StringComparison.Ordinal)));
        Assert.True(recovered, "answers were still degraded after Redis came back");
        Assert.All(during, r => Assert.True(r.EvaluationMicros < 350_000, $"{r.RequestId} took {r.EvaluationMicros} µs"));
    }

    [Fact]
    public async Task RedisDown_HistoryIsDegradedInTheStatus_StillServing_AndHealthyOnceTheBacklogIsWritten()
    {
        await using var server = await StartServerAsync(_redis, _cache, "Redis:HistoryTimeout=00:00:00.100", "Redis:HistoryReplayInterval=00:00:00.200");
        var status = new StatusService.StatusServiceClient(server.Channel);
        var health = new Grpc.Health.V1.Health.HealthClient(server.Channel);
        Assert.Equal(ComponentState.Healthy, History(await status.GetStatusAsync(new StatusRequest())).State);

        _redis.Kill();
        var answer = await server.Client.CheckAsync(Visit("R1", "E-DOWN", 0));
        Assert.True(answer.Degraded);

        var down = History(await status.GetStatusAsync(new StatusRequest()));
        Assert.Equal(ComponentState.Degraded, down.State);
        Assert.Equal("1", down.Data["backlog"]);
        Assert.Contains("waiting to be written back", down.Description, StringComparison.Ordinal);
        // Degraded is not a reason to take the server out of rotation: the audit still answers.
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "smartaudit.v1.AuditService" })).Status);

        await _redis.StartAgainAsync();
        Assert.True(await EventuallyAsync(async () => History(await status.GetStatusAsync(new StatusRequest())).State == ComponentState.Healthy,
            TimeSpan.FromSeconds(10)), "history still degraded after Redis came back");
    }

    private static ComponentStatus History(StatusReport report) => Assert.Single(report.Components, c => c.Name == "history");

    private static CheckResponse? LastOf(List<CheckResponse> responses)
    {
        lock (responses)
        {
            return responses.Count == 0 ? null : responses[^1];
        }
    }

    /// <summary>A settled outpatient visit (MID, so it is recorded) of one patient, <paramref name="daysAgo"/> from the order date.</summary>
    private static CheckRequest Visit(string requestId, string encounterId, int daysAgo)
    {
        var request = WireOrders.Request(requestId, Stage.Mid);
        request.Patient.Id = "P-SHARED";
        request.Encounter.Id = encounterId;
        request.Lines[0].OrderedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(WireOrders.OrderedAt.AddDays(daysAgo));
        return request;
    }
}
