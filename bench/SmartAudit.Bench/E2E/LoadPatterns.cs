using System.Diagnostics;
using Grpc.Core;

namespace SmartAudit.Bench.E2E;

/// <summary>The three ways load is offered: closed loop, open loop at a fixed rate, and pipelined streams.</summary>
internal static class LoadPatterns
{
    /// <summary>
    /// Saturation: <paramref name="concurrency"/> callers each send the next request as soon as the last is
    /// answered. Measures the most the server does, not latency under a given load.
    /// </summary>
    public static async Task ClosedLoopAsync(int concurrency, TimeSpan duration, Func<Task<long>> call, Samples samples)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var serverMicros = await call();
                    samples.Add(Stopwatch.GetTimestamp() - start, serverMicros);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref samples.Errors);
                }
            }
        }));
        await Task.WhenAll(workers);
    }

    /// <summary>
    /// Open loop at a fixed offered rate: request i is due at start + i/rate and is sent then whether or not
    /// earlier ones have been answered; its latency counts from when it was due, so a stall shows up in
    /// every request queued behind it (no coordinated omission).
    /// </summary>
    public static async Task OpenLoopAsync(double rate, TimeSpan duration, Func<Task<long>> call, Samples samples)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / rate;
        var inFlight = new List<Task>((int)Math.Min(total, 1 << 20));

        // Pacing runs on a thread of its own that sleeps with sub-millisecond precision: Task.Delay(1) wakes
        // 1-2 ms late, which would add the generator's own lateness to every latency measured from the due time.
        var pacer = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (long i = 0; i < total; i++)
            {
                var due = start + (long)(i * interval);
                Pacing.SleepUntil(due);
                inFlight.Add(SendAsync(due));
            }
        }) { IsBackground = true, Name = "open-loop pacer", Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        await Task.Run(pacer.Join);
        await Task.WhenAll(inFlight);

        async Task SendAsync(long due)
        {
            samples.AddLateness(Stopwatch.GetTimestamp() - due);
            try
            {
                var serverMicros = await call();
                samples.Add(Stopwatch.GetTimestamp() - due, serverMicros);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref samples.Errors);
            }
        }
    }

    /// <summary>
    /// Streaming saturation: <paramref name="streams"/> bidirectional streams, each keeping
    /// <paramref name="window"/> requests in flight. Latency is from send to the matching answer.
    /// <paramref name="request"/> makes request number <c>sequence</c> of a stream for one of its window's slots;
    /// <paramref name="answer"/> reads back the sequence (or any number with the same remainder by the window).
    /// </summary>
    public static async Task StreamAsync<TRequest, TResponse>(
        int streams,
        int window,
        TimeSpan duration,
        Func<AsyncDuplexStreamingCall<TRequest, TResponse>> open,
        Func<int, int, long, TRequest> request,
        Func<TResponse, (long Sequence, long ServerMicros)> answer,
        Samples samples)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, streams).Select(stream => Task.Run(async () =>
        {
            // A stream that stops answering must not hang the run: past the duration plus a grace period
            // it is cancelled and what it still owed is counted as errors.
            using var deadline = new CancellationTokenSource(duration + TimeSpan.FromSeconds(20));
            using var call = open();
            var slots = new SemaphoreSlim(window);
            var sentAt = new long[window];
            long sent = 0, answered = 0;
            var reader = Task.Run(async () =>
            {
                while (await call.ResponseStream.MoveNext(deadline.Token))
                {
                    var (sequence, serverMicros) = answer(call.ResponseStream.Current);
                    samples.Add(Stopwatch.GetTimestamp() - sentAt[sequence % window], serverMicros);
                    Interlocked.Increment(ref answered);
                    slots.Release();
                }
            });

            try
            {
                while (Stopwatch.GetTimestamp() < end)
                {
                    await slots.WaitAsync(deadline.Token);
                    var slot = (int)(sent % window);
                    sentAt[slot] = Stopwatch.GetTimestamp();
                    await call.RequestStream.WriteAsync(request(stream, slot, sent), deadline.Token);
                    sent++;
                }

                await call.RequestStream.CompleteAsync();
                await reader;
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException)
            {
                Interlocked.Add(ref samples.Errors, Math.Max(1, sent - Interlocked.Read(ref answered)));
                Console.Error.WriteLine($"    a stream stopped answering ({ex.GetType().Name}); {sent - Interlocked.Read(ref answered)} requests unanswered");
            }
        })));
    }
}
