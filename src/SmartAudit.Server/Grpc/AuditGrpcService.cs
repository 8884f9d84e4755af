using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Server.Grpc.Wire;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Grpc;

/// <summary>
/// The gRPC face of the audit: validate and map, call the core, map back. No rule logic lives here.
/// </summary>
[BindServiceMethod(typeof(AuditServiceBinding), nameof(AuditServiceBinding.BindService))]
internal sealed partial class AuditGrpcService(
    Auditor auditor,
    DegradedReasons degradation,
    IDecisionLog log,
    IOptions<AuditOptions> options,
    OpenStreams openStreams,
    TimeProvider clock,
    ILogger<AuditGrpcService> logger) : V1.AuditService.AuditServiceBase
{
    /// <summary>Requests of one stream audited at once, at most; answers wait in order behind the oldest.</summary>
    internal const int StreamWindow = 64;

    private readonly CheckRequestMapper _mapper = new(new RequestLimits(options.Value.MaxLinesPerRequest, options.Value.Offset) { Bounds = options.Value.Bounds, Clock = clock });

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
    /// and the stream goes on; so is a message that does not parse at all (its answer has no request id and
    /// is matched by position: answers come in the order the requests were sent). Requests are audited as they
    /// arrive, up to <see cref="StreamWindow"/> at a time, so a stream is not held to one request per history
    /// round trip; answers go out in the order the requests came. Requests of the same patient are audited one
    /// after another, in order, so a settled encounter is in the history the patient's next request reads.
    /// Reading and writing are decoupled, so a slow reader on the client side does not stall evaluation.
    /// When the server stops, the stream reads what the client has already sent (until it pauses for
    /// <see cref="AuditOptions.StreamDrainIdle"/>, at most <see cref="AuditOptions.StreamDrainLimit"/>), answers
    /// every request it read, and ends UNAVAILABLE: the client resends whatever has no answer to another instance.
    /// A frame that is broken (cut short, a bad flag byte) leaves no next message to find: the answers so far
    /// go out and the stream ends INVALID_ARGUMENT.
    /// </summary>
    public override async Task CheckStream(IAsyncStreamReader<V1.CheckRequest> requestStream, IServerStreamWriter<V1.CheckResponse> responseStream, ServerCallContext context)
    {
        using var running = openStreams.Open();
        var outbox = Channel.CreateBounded<PendingAnswer>(new BoundedChannelOptions(StreamWindow) { SingleReader = true, SingleWriter = true });
        var writer = WriteAllAsync(outbox, responseStream, context.CancellationToken);
        var patients = new PatientOrder(StreamWindow);
        using var drain = new StreamDrain(options.Value, clock, context.CancellationToken, openStreams.Draining);
        RpcException? ending = null;
        try
        {
            while (drain.KeepReading && await requestStream.MoveNext(drain.Token))
            {
                var started = Stopwatch.GetTimestamp();
                var request = requestStream.Current;
                drain.Count();
                await outbox.Writer.WriteAsync(Answer(request, patients, started, context.CancellationToken), context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (drain.IsDraining && !context.CancellationToken.IsCancellationRequested)
        {
            // the client paused, or the drain's time is up: what was read is answered below
        }
        catch (ChannelClosedException)
        {
            // The writer stopped (an audit failed, or the client went away): its own exception ends the call below.
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && StreamBroken(ex) is { } broken)
        {
            LogStreamBroken(logger, broken.StatusCode, broken.Status.Detail);
            ending = broken;
        }
        finally
        {
            outbox.Writer.TryComplete();
        }

        await writer;
        if (ending is not null)
        {
            throw ending;
        }

        if (drain.IsDraining)
        {
            LogStreamDrained(logger, drain.Read);
            throw RpcErrors.Unavailable("the server is shutting down: every request it read on this stream was answered; send any request without an answer to another instance");
        }
    }

    /// <summary>The answer to one message of a stream: in-band error for an unreadable or invalid request, else its audit (in the patient's order).</summary>
    private PendingAnswer Answer(V1.CheckRequest request, PatientOrder patients, long started, CancellationToken cancellationToken)
    {
        if (WireMessages.IsUnreadable(request, out var unreadable))
        {
            LogUnreadable(logger, unreadable);
            return new(new V1.CheckResponse { Error = RpcErrors.InvalidArgument("(message)", unreadable) });
        }

        var domain = _mapper.TryMap(request, out var violations);
        if (domain is null)
        {
            LogRejected(logger, request.RequestId, violations.FieldViolations.Count);
            return new(new V1.CheckResponse { RequestId = request.RequestId, Error = RpcErrors.InvalidArgument(violations) });
        }

        if (auditor.Rules.UnavailableReason is { } noRules)
        {
            // No rule set at all: each order is answered UNAVAILABLE in-band (the HIS lets it through), and the
            // stream stays open for the orders after the first version is loaded.
            return new(new V1.CheckResponse { RequestId = request.RequestId, Error = RpcErrors.NoRuleSet(noRules) });
        }

        var answer = patients.After(domain.Patient.Id) is { } previous
            ? AuditAfterAsync(previous, domain, started, cancellationToken)
            : AuditAsync(domain, started, cancellationToken);
        return answer.IsCompletedSuccessfully ? new(answer.Result) : new(patients.Track(domain.Patient.Id, answer.AsTask()));
    }

    /// <summary>
    /// The status a stream ends with when its bytes stop making sense: gRPC's own framing errors (INTERNAL
    /// "Incomplete message", a bad flag byte) become INVALID_ARGUMENT, since the fault is the caller's; a message
    /// over the size limit stays RESOURCE_EXHAUSTED. Null for anything else (it is not the caller's input).
    /// </summary>
    private static RpcException? StreamBroken(Exception ex) => ex switch
    {
        RpcException { StatusCode: StatusCode.InvalidArgument or StatusCode.ResourceExhausted } rpc => rpc,
        RpcException { StatusCode: StatusCode.Internal or StatusCode.Unimplemented } rpc =>
            RpcErrors.InvalidArgument("(stream)", $"the stream's bytes are not gRPC messages: {rpc.Status.Detail}").ToRpcException(),
        InvalidDataException data => RpcErrors.InvalidArgument("(stream)", $"the stream's bytes are not gRPC messages: {data.Message}").ToRpcException(),
        _ => null,
    };

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

    private async ValueTask<V1.CheckResponse> AuditAsync(AuditRequest request, long started, CancellationToken cancellationToken)
    {
        try
        {
            return CheckResponseMapper.ToResponse(await auditor.AuditAsync(request, degradation.Current(), started, cancellationToken));
        }
        catch (Core.Rules.RuleSetUnavailableException ex)
        {
            throw RpcErrors.NoRuleSet(ex.Reason).ToRpcException();
        }
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Server stopping: stream drained ({Read} requests read after the stop began, all answered) and ended UNAVAILABLE")]
    private static partial void LogStreamDrained(ILogger logger, int read);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream message answered in-band: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);

    // Warning, without the exception: a caller's broken bytes are not the server's fault and need no stack trace.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream ended {Status}: {Detail}")]
    private static partial void LogStreamBroken(ILogger logger, StatusCode status, string detail);
}
