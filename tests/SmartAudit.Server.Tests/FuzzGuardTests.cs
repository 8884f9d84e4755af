using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;
using SmartAudit.Testing.Wire;
using Xunit.Abstractions;

namespace SmartAudit.Server.Tests;

/// <summary>
/// The standing guard of "no single input stops the service": thousands of hostile inputs as raw bytes over a
/// real HTTP/2 connection to a server in a process of its own (valid requests with extreme values, random damage
/// to a message's bytes, broken frames, unary and on streams). No answer may be UNKNOWN, no stream may end
/// because of one bad message whose frame was whole, nothing may reach the log at error level or with a stack
/// trace, and the server must still answer Ping at the end. Seeded: SMARTAUDIT_FUZZ_SEED replays a run,
/// SMARTAUDIT_FUZZ_COUNT sets the inputs per family (a longer soak: <c>bash bench/run fuzz</c>).
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(ProcessCollection.Name)]
public sealed class FuzzGuardTests(ITestOutputHelper output)
{
    private const string Check = "/smartaudit.v1.AuditService/Check";
    private const string CheckStream = "/smartaudit.v1.AuditService/CheckStream";

    [Fact]
    public async Task HostileInputs_NeverUnknown_NeverStopTheServerOrAStream()
    {
        var seed = Setting("SMARTAUDIT_FUZZ_SEED", 20261205);
        var count = Setting("SMARTAUDIT_FUZZ_COUNT", 2500);
        var fuzz = new WireFuzz(seed);
        await using var server = await AuditServerProcess.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var counts = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        void Count(string family, string status) => counts.AddOrUpdate($"{family} {status}", 1, (_, n) => n + 1);
        async Task<RawGrpcResult> Call(byte[] body, string? encoding = null)
        {
            try
            {
                return await client.CallAsync(Check, body, encoding);
            }
            catch (HttpRequestException ex)
            {
                return new RawGrpcResult(-1, $"no answer: {ex.Message}", []); // the server is gone, or dropped the connection
            }
        }

        try
        {
            // 1. Valid messages with extreme values, unary: audited or refused field by field.
            var extreme = Enumerable.Range(0, count).Select(i => fuzz.ExtremeRequest($"X{i}").ToByteArray()).ToList();
            await ForEachAsync(extreme, async body =>
            {
                var result = await Call(RawGrpcClient.Frame(body));
                Count("extreme values", result.StatusName);
                Expect(result, failures, "extreme", 0, 3, 8);
            });

            // 2. Random damage to a valid message's bytes, frame whole, unary.
            var damaged = Enumerable.Range(0, count).Select(i => fuzz.DamagedPayload(fuzz.ValidRequest($"D{i}"))).ToList();
            await ForEachAsync(damaged, async body =>
            {
                var result = await Call(RawGrpcClient.Frame(body));
                Count("damaged bytes", result.StatusName);
                Expect(result, failures, "damaged", 0, 3, 8);
            });

            // 3. Broken frames, unary: a bad flag byte, a length that lies, a cut header, two messages, an empty body, gzip that is not.
            var frames = Enumerable.Range(0, count / 4).Select(i => fuzz.DamagedFrame(fuzz.ValidRequest($"F{i}").ToByteArray())).Append([]).ToList();
            await ForEachAsync(frames, async body =>
            {
                var result = await Call(body);
                Count("broken frame", result.StatusName);
                Expect(result, failures, "frame", 3, 8);
            });
            var notGzip = await Call(RawGrpcClient.Frame(fuzz.ValidRequest("G1").ToByteArray(), flag: 1), encoding: "gzip");
            Count("gzip, not gzip", notGzip.StatusName);
            Expect(notGzip, failures, "not gzip", 3);
            var bomb = await Call(RawGrpcClient.Frame(Gzip(new byte[64 * 1024 * 1024]), flag: 1), encoding: "gzip");
            Count("gzip bomb", bomb.StatusName);
            Expect(bomb, failures, "gzip bomb", 8);

            // 4. Streams mixing valid, extreme and damaged messages, frames whole: one answer each, in order, and the stream stays open.
            var streams = Math.Max(4, count / 50);
            for (var s = 0; s < streams; s++)
            {
                await using var stream = await client.OpenStreamAsync(CheckStream);
                for (var m = 0; m < 50; m++)
                {
                    var id = $"S{s}-{m}";
                    var kind = fuzz.Next(10);
                    var body = kind < 4 ? fuzz.ValidRequest(id).ToByteArray() : kind < 7 ? fuzz.ExtremeRequest(id).ToByteArray() : fuzz.DamagedPayload(fuzz.ValidRequest(id));
                    await stream.WriteAsync(RawGrpcClient.Frame(body));
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    byte[]? answer;
                    try
                    {
                        answer = await stream.ReadAsync(timeout.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        failures.Enqueue($"stream {s} message {m} (kind {kind}, {body.Length} bytes): no answer within 20 s");
                        break;
                    }

                    if (answer is null)
                    {
                        failures.Enqueue($"stream {s} ended after message {m}: {(await stream.StatusAsync(timeout.Token)).StatusName}");
                        break;
                    }

                    var response = CheckResponse.Parser.ParseFrom(answer);
                    Count("stream message", response.Error is null ? "answered" : $"in-band {(global::Grpc.Core.StatusCode)response.Error.Code}");
                    if (kind < 4 && (response.RequestId != id || response.Error is not null))
                    {
                        failures.Enqueue($"stream {s} message {m}: a valid request was answered {response}");
                    }
                }

                if (!failures.IsEmpty)
                {
                    break;
                }

                stream.Complete();
                using var end = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var status = await stream.StatusAsync(end.Token);
                Count("stream end", status.StatusName);
                Expect(status, failures, $"stream {s}", 0);
            }

            // 5. Streams broken mid-way: what came before the break is answered, and the stream ends with the caller's fault, not UNKNOWN.
            for (var s = 0; s < streams; s++)
            {
                await using var stream = await client.OpenStreamAsync(CheckStream);
                var before = fuzz.Next(5);
                for (var m = 0; m < before; m++)
                {
                    await stream.WriteAsync(RawGrpcClient.Frame(fuzz.ValidRequest($"B{s}-{m}").ToByteArray()));
                }

                await stream.WriteAsync(fuzz.DamagedFrame(fuzz.ValidRequest($"B{s}-x").ToByteArray()));
                stream.Complete();
                using var end = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var answers = 0;
                while (await stream.ReadAsync(end.Token) is not null)
                {
                    answers++;
                }

                var status = await stream.StatusAsync(end.Token);
                Count("broken stream", status.StatusName);
                Expect(status, failures, $"broken stream {s}", 0, 3, 8);
                if (answers < before)
                {
                    failures.Enqueue($"broken stream {s}: {answers} answers for {before} whole requests before the break");
                }
            }

            // 6. Every other method the server offers, with damaged messages and broken frames: refused, never UNKNOWN.
            var others = new (string Path, byte[] Valid, int[] Allowed)[]
            {
                ("/smartaudit.v1.AuditService/RecordFeedback", new FeedbackRequest { RequestId = "R1", RuleId = "GZ-SEX-001", Kind = FeedbackKind.Changed, DoctorId = "D1" }.ToByteArray(), [0, 3]),
                ("/smartaudit.v1.AuditService/Ping", new PingRequest { Sequence = 1 }.ToByteArray(), [0, 3]),
                ("/smartaudit.v1.ReportService/Compliance", new ComplianceRequest { From = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 }, To = new Google.Type.Date { Year = 2026, Month = 3, Day = 31 } }.ToByteArray(), [3, 9]),
                ("/smartaudit.v1.StatusService/GetStatus", new StatusRequest().ToByteArray(), [0, 3]),
                ("/grpc.health.v1.Health/Check", new global::Grpc.Health.V1.HealthCheckRequest { Service = "smartaudit.v1.AuditService" }.ToByteArray(), [0, 3, 5]),
            };
            foreach (var (path, valid, allowed) in others)
            {
                var method = path[(path.LastIndexOf('/') + 1)..];
                var bodies = Enumerable.Range(0, Math.Max(20, count / 25))
                    .Select(i => i % 4 == 3 ? fuzz.DamagedFrame(valid) : RawGrpcClient.Frame(fuzz.DamagedPayload(valid.ToArray()))).ToList();
                await ForEachAsync(bodies, async body =>
                {
                    var result = await client.CallAsync(path, body);
                    Count(method, result.StatusName);
                    Expect(result, failures, method, [.. allowed, 3, 8]);
                });
            }
        }
        finally
        {
            var table = string.Join('\n', counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"  {c.Key}: {c.Value}"));
            output.WriteLine($"seed {seed}, {counts.Values.Sum()} inputs:\n{table}\nfailures: {failures.Count}, first: {failures.FirstOrDefault()}");
            var errors = server.ErrorsAndStackTraces();
            output.WriteLine($"error-level or stack-trace log lines: {errors.Count}, server exited: {server.HasExited}");
            output.WriteLine(string.Join('\n', errors.Take(12)));
        }

        Assert.Empty(failures);
        var ping = await server.Client.PingAsync(new PingRequest { Sequence = 7 });
        Assert.Equal(7, ping.Sequence);
        Assert.False(server.HasExited);
        Assert.Empty(failures);
        Assert.Empty(server.ErrorsAndStackTraces());
        Assert.DoesNotContain(counts.Keys, k => k.EndsWith(" Unknown", StringComparison.Ordinal) || k.EndsWith(" Internal", StringComparison.Ordinal));
    }

    private static void Expect(RawGrpcResult result, ConcurrentQueue<string> failures, string what, params int[] allowed)
    {
        if (!allowed.Contains(result.Status))
        {
            failures.Enqueue($"{what}: {result.StatusName} '{result.Message}'");
        }
    }

    private static async Task ForEachAsync(IReadOnlyList<byte[]> bodies, Func<byte[], Task> call) =>
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (body, _) => await call(body));

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
