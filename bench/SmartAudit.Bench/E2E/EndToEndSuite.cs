using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using SmartAudit.Contracts.V1;

namespace SmartAudit.Bench.E2E;

/// <summary>One measured scenario, as reported.</summary>
internal sealed record ScenarioResult(
    string Path,
    string Name,
    double? OfferedPerSecond,
    double AchievedPerSecond,
    long Requests,
    long Errors,
    double P50Micros,
    double P90Micros,
    double P99Micros,
    double P999Micros,
    double MaxMicros,
    double ServerCpuMicrosPerRequest,
    double? ServerEvalP50Micros,
    double? ServerEvalP99Micros,
    long Degraded = 0);

/// <summary>
/// End to end over loopback gRPC, every scenario against the same server process in the same run, so
/// that ratios between them hold on a noisy shared machine. Check sends the pool's MID orders, one
/// patient after another; a degraded answer (a part of the path skipped) is counted, never hidden.
/// </summary>
internal sealed class EndToEndSuite(ServerProcess server, ServerPath path, TimeSpan duration, TimeSpan warmup, double offeredRate)
{
    private const int Concurrency = 32;
    private const int Streams = 4;
    private const int Window = 32;

    public async Task<List<ScenarioResult>> RunAsync()
    {
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new AuditService.AuditServiceClient(channel);
        var orders = new OrderPool();
        var ping = new PingRequest { Sequence = 1 };

        async Task<long> PingOnce()
        {
            await client.PingAsync(ping);
            return -1;
        }

        async Task<long> CheckOnce() => Answered(await client.CheckAsync(orders.Next()));

        var pingSlots = Enumerable.Range(0, Streams * Window).Select(_ => new PingRequest()).ToArray();
        var rate = offeredRate.ToString("0", CultureInfo.InvariantCulture);

        return
        [
            await MeasureAsync("Ping unary, 1 caller (unloaded round trip)", null, s => LoadPatterns.ClosedLoopAsync(1, duration, PingOnce, s), d => LoadPatterns.ClosedLoopAsync(1, d, PingOnce, new Samples())),
            await MeasureAsync($"Ping unary, {rate}/s offered", offeredRate, s => LoadPatterns.OpenLoopAsync(offeredRate, duration, PingOnce, s), d => LoadPatterns.OpenLoopAsync(offeredRate, d, PingOnce, new Samples())),
            await MeasureAsync($"Check 5 lines unary, {rate}/s offered", offeredRate, s => LoadPatterns.OpenLoopAsync(offeredRate, duration, CheckOnce, s), d => LoadPatterns.OpenLoopAsync(offeredRate, d, CheckOnce, new Samples())),
            await MeasureAsync($"Ping unary, saturation ({Concurrency} callers)", null, s => LoadPatterns.ClosedLoopAsync(Concurrency, duration, PingOnce, s), d => LoadPatterns.ClosedLoopAsync(Concurrency, d, PingOnce, new Samples())),
            await MeasureAsync($"Check 5 lines unary, saturation ({Concurrency} callers)", null, s => LoadPatterns.ClosedLoopAsync(Concurrency, duration, CheckOnce, s), d => LoadPatterns.ClosedLoopAsync(Concurrency, d, CheckOnce, new Samples())),
            await MeasureAsync($"Ping stream, saturation ({Streams}x{Window} in flight)", null, s => PingStream(client, pingSlots, duration, s), d => PingStream(client, pingSlots, d, new Samples())),
            await MeasureAsync($"Check 5 lines stream, saturation ({Streams}x{Window} in flight)", null, s => CheckStream(client, orders, duration, s), d => CheckStream(client, orders, d, new Samples())),
        ];
    }

    // A degraded answer is still an answer (the caller goes on), but it skipped part of the path: the
    // report counts them so a fast figure from skipped work cannot pass for the real one.
    private long _degraded;

    private long Answered(CheckResponse response)
    {
        if (response.Degraded)
        {
            Interlocked.Increment(ref _degraded);
        }

        return response.EvaluationMicros;
    }

    // Each stream has its own slots: a slot is reused only after its answer came back (the server answers a
    // stream in order), and never by another stream while it is being written.
    private static Task PingStream(AuditService.AuditServiceClient client, PingRequest[] slots, TimeSpan duration, Samples samples) =>
        LoadPatterns.StreamAsync(Streams, Window, duration, () => client.PingStream(),
            (stream, slot, sequence) =>
            {
                var request = slots[(stream * Window) + slot];
                request.Sequence = sequence;
                return request;
            },
            response => (response.Sequence, -1),
            samples);

    private Task CheckStream(AuditService.AuditServiceClient client, OrderPool orders, TimeSpan duration, Samples samples) =>
        LoadPatterns.StreamAsync(Streams, Window, duration, () => client.CheckStream(),
            (stream, _, sequence) => orders.ForStream(stream, Streams, sequence),
            response => (long.Parse(response.RequestId, CultureInfo.InvariantCulture), Answered(response)),
            samples);

    private async Task<ScenarioResult> MeasureAsync(string name, double? offered, Func<Samples, Task> run, Func<TimeSpan, Task> warm)
    {
        Console.Error.Write($"  {name} ...");
        if (warmup > TimeSpan.Zero)
        {
            await warm(warmup);
        }

        var samples = new Samples();
        var degradedBefore = Interlocked.Read(ref _degraded);
        var cpuBefore = server.CpuTime();
        var started = Stopwatch.GetTimestamp();
        await run(samples);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = server.CpuTime() - cpuBefore;
        var latency = samples.LatencyMicros();
        var evaluation = samples.ServerMicros();
        var count = samples.Count;
        Console.Error.WriteLine(samples.LatenessP50Micros() is { } late ? $" generator sent {late:0} µs late (p50)" : "");
        return new ScenarioResult(path.Name, name, offered, count / elapsed.TotalSeconds, count, samples.Errors,
            latency[0], latency[1], latency[2], latency[3], latency[4],
            count == 0 ? double.NaN : cpu.TotalMicroseconds / count,
            evaluation?.P50, evaluation?.P99, Interlocked.Read(ref _degraded) - degradedBefore);
    }
}
