using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc;

/// <summary>
/// The gRPC face of the audit: validate and map, call the core, map back. No rule logic lives here.
/// </summary>
internal sealed partial class AuditGrpcService(
    Auditor auditor,
    DegradedReasons degradation,
    IDecisionLog log,
    IOptions<AuditOptions> options,
    IHostApplicationLifetime lifetime,
    OpenStreams openStreams,
    TimeProvider clock,
    ILogger<AuditGrpcService> logger) : V1.AuditService.AuditServiceBase
{
    /// <summary>Requests of one stream audited at once, at most; answers wait in order behind the oldest.</summary>
    internal const int StreamWindow = 64;

    private readonly CheckRequestMapper _mapper = new(new RequestLimits(options.Value.MaxLinesPerRequest, options.Value.Offset));

    public override async Task<V1.CheckResponse> Check(V1.CheckRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.CancellationToken.ThrowIfCancellationRequested(); // the caller's deadline has already passed
        var domain = _mapper.TryMap(request, out var violations);
        if (domain is null)
        {
            LogRejected(logger, request.RequestId, violations.FieldViolations.Count);
            RpcErrors.ThrowInvalidArgument(violations);
        }

        return await AuditAsync(domain, started, context.CancellationToken);
    }

    /// <summary>
    /// One long-lived stream per HIS connection. A bad request is answered in-band (CheckResponse.error)
    /// and the stream goes on. Requests are audited as they arrive, up to <see cref="StreamWindow"/> at a
    /// time, so a stream is not held to one request per history round trip; answers go out in the order the
    /// requests came. Requests of the same patient are audited one after another, in order, so a settled
    /// encounter is in the history the patient's next request reads. Reading and writing are decoupled, so
    /// a slow reader on the client side does not stall evaluation. When the server stops, the stream stops
    /// taking requests, answers the ones it has, and ends cleanly (status OK) so the client can reconnect elsewhere.
    /// </summary>
    public override async Task CheckStream(IAsyncStreamReader<V1.CheckRequest> requestStream, IServerStreamWriter<V1.CheckResponse> responseStream, ServerCallContext context)
    {
        using var running = openStreams.Open();
        var outbox = Channel.CreateBounded<PendingAnswer>(new BoundedChannelOptions(StreamWindow) { SingleReader = true, SingleWriter = true });
        var writer = WriteAllAsync(outbox, responseStream, context.CancellationToken);
        var patients = new PatientOrder(StreamWindow);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping, openStreams.Draining);
        try
        {
            while (await requestStream.MoveNext(stop.Token))
            {
                var started = Stopwatch.GetTimestamp();
                var request = requestStream.Current;
                var domain = _mapper.TryMap(request, out var violations);
                PendingAnswer pending;
                if (domain is null)
                {
                    LogRejected(logger, request.RequestId, violations.FieldViolations.Count);
                    pending = new(new V1.CheckResponse { RequestId = request.RequestId, Error = RpcErrors.InvalidArgument(violations) });
                }
                else
                {
                    var answer = patients.After(domain.Patient.Id) is { } previous
                        ? AuditAfterAsync(previous, domain, started, context.CancellationToken)
                        : AuditAsync(domain, started, context.CancellationToken);
                    pending = answer.IsCompletedSuccessfully ? new(answer.Result) : new(patients.Track(domain.Patient.Id, answer.AsTask()));
                }

                await outbox.Writer.WriteAsync(pending, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when ((openStreams.Draining.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
                                                 && !context.CancellationToken.IsCancellationRequested)
        {
            LogStreamDrained(logger);
        }
        catch (ChannelClosedException)
        {
            // The writer stopped (an audit failed, or the client went away): its own exception ends the call below.
        }
        finally
        {
            outbox.Writer.TryComplete();
        }

        await writer;
    }

    public override Task<V1.FeedbackResponse> RecordFeedback(V1.FeedbackRequest request, ServerCallContext context)
    {
        var feedback = FeedbackMapper.TryMap(request, clock.GetUtcNow(), out var violations);
        if (feedback is null)
        {
            RpcErrors.ThrowInvalidArgument(violations);
        }

        log.Append(feedback);
        return Task.FromResult(new V1.FeedbackResponse { Recorded = true });
    }

    public override Task<V1.PingResponse> Ping(V1.PingRequest request, ServerCallContext context) =>
        Task.FromResult(new V1.PingResponse { Sequence = request.Sequence });

    public override async Task PingStream(IAsyncStreamReader<V1.PingRequest> requestStream, IServerStreamWriter<V1.PingResponse> responseStream, ServerCallContext context)
    {
        await foreach (var ping in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new V1.PingResponse { Sequence = ping.Sequence }, context.CancellationToken);
        }
    }

    private async ValueTask<V1.CheckResponse> AuditAsync(AuditRequest request, long started, CancellationToken cancellationToken) =>
        CheckResponseMapper.ToResponse(await auditor.AuditAsync(request, degradation.Current(), started, cancellationToken));

    /// <summary>Audits a request after the same patient's previous one on this stream has finished, whatever its outcome.</summary>
    private async ValueTask<V1.CheckResponse> AuditAfterAsync(Task previous, AuditRequest request, long started, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await AuditAsync(request, started, cancellationToken);
    }

    /// <summary>Writes the answers in the order the requests came, each when it is ready; a failure closes the outbox so reading stops.</summary>
    private static async Task WriteAllAsync(Channel<PendingAnswer> outbox, IServerStreamWriter<V1.CheckResponse> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var pending in outbox.Reader.ReadAllAsync(cancellationToken))
            {
                await responseStream.WriteAsync(pending.Response ?? await pending.Answer!, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            outbox.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <summary>An answer on a stream: ready (most are: an in-process audit completes at once), or still being audited.</summary>
    private readonly record struct PendingAnswer(V1.CheckResponse? Response, Task<V1.CheckResponse>? Answer)
    {
        public PendingAnswer(V1.CheckResponse response)
            : this(response, null)
        {
        }

        public PendingAnswer(Task<V1.CheckResponse> answer)
            : this(null, answer)
        {
        }
    }

    /// <summary>
    /// The audit still running for each patient on one stream, so that the patient's next request waits for
    /// it. Finished ones are dropped as the map grows; it holds at most about the stream's window.
    /// </summary>
    private sealed class PatientOrder(int window)
    {
        private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);

        public Task? After(string patientId) =>
            _running.TryGetValue(patientId, out var previous) && !previous.IsCompleted ? previous : null;

        public Task<V1.CheckResponse> Track(string patientId, Task<V1.CheckResponse> audit)
        {
            if (_running.Count >= 2 * window)
            {
                foreach (var (patient, task) in _running)
                {
                    if (task.IsCompleted)
                    {
                        _running.Remove(patient);
                    }
                }
            }

            _running[patientId] = audit;
            return audit;
        }
    }

    // Request ids only: patient identifiers never reach application logs.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} rejected: {Count} invalid field(s)")]
    private static partial void LogRejected(ILogger logger, string requestId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server stopping: stream drained and closed")]
    private static partial void LogStreamDrained(ILogger logger);
}
