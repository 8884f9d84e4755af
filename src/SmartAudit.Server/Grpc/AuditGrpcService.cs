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
    TimeProvider clock,
    ILogger<AuditGrpcService> logger) : V1.AuditService.AuditServiceBase
{
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
    /// and the stream goes on. Reading and writing are decoupled, so a slow reader on the client side
    /// does not stall evaluation. When the server stops, the stream stops taking requests, answers the
    /// ones it has, and ends cleanly (status OK) so the client can reconnect elsewhere.
    /// </summary>
    public override async Task CheckStream(IAsyncStreamReader<V1.CheckRequest> requestStream, IServerStreamWriter<V1.CheckResponse> responseStream, ServerCallContext context)
    {
        var outbox = Channel.CreateBounded<V1.CheckResponse>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        var writer = WriteAllAsync(outbox.Reader, responseStream, context.CancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            while (await requestStream.MoveNext(stop.Token))
            {
                var started = Stopwatch.GetTimestamp();
                var request = requestStream.Current;
                var domain = _mapper.TryMap(request, out var violations);
                V1.CheckResponse response;
                if (domain is null)
                {
                    LogRejected(logger, request.RequestId, violations.FieldViolations.Count);
                    response = new V1.CheckResponse { RequestId = request.RequestId, Error = RpcErrors.InvalidArgument(violations) };
                }
                else
                {
                    response = await AuditAsync(domain, started, context.CancellationToken);
                }

                await outbox.Writer.WriteAsync(response, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            LogStreamDrained(logger);
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

    private static async Task WriteAllAsync(ChannelReader<V1.CheckResponse> outbox, IServerStreamWriter<V1.CheckResponse> responseStream, CancellationToken cancellationToken)
    {
        await foreach (var response in outbox.ReadAllAsync(cancellationToken))
        {
            await responseStream.WriteAsync(response, cancellationToken);
        }
    }

    // Request ids only: patient identifiers never reach application logs.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} rejected: {Count} invalid field(s)")]
    private static partial void LogRejected(ILogger logger, string requestId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server stopping: stream drained and closed")]
    private static partial void LogStreamDrained(ILogger logger);
}
