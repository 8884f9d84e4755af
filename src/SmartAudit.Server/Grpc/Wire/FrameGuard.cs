using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace SmartAudit.Server.Grpc.Wire;

/// <summary>
/// Checks the frame of every gRPC message a caller sends before gRPC reads it. gRPC itself throws a bare
/// InvalidDataException for a frame whose flag byte is neither 0 (plain) nor 1 (compressed), which it answers
/// UNKNOWN with an error-level stack trace; here that frame is INVALID_ARGUMENT saying which message was bad.
/// (A frame that stops short is already INTERNAL "Incomplete message"; one over the size limit RESOURCE_EXHAUSTED.)
/// </summary>
internal static class FrameGuard
{
    /// <summary>Wraps the request body of every gRPC call (content type <c>application/grpc…</c>) in a <see cref="FramedBodyReader"/>.</summary>
    public static IApplicationBuilder UseGrpcFrameGuard(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        if (context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
            && context.Features.Get<IRequestBodyPipeFeature>() is { } body)
        {
            context.Features.Set<IRequestBodyPipeFeature>(new GuardedBody(new FramedBodyReader(body.Reader)));
        }

        return next(context);
    });

    private sealed class GuardedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}

/// <summary>
/// A request body reader that walks the gRPC frame headers (1 flag byte, 4 length bytes, big-endian) as the
/// bytes arrive and refuses a bad flag with INVALID_ARGUMENT. It reads nothing itself: it looks at what the
/// reader underneath hands out, and keeps track of where the next header starts as gRPC consumes.
/// </summary>
internal sealed class FramedBodyReader(PipeReader inner) : PipeReader
{
    private const int HeaderSize = 5;

    private ReadOnlySequence<byte> _handedOut;
    private long _nextHeader; // from the start of the unconsumed bytes
    private int _frames;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken);
        Inspect(result.Buffer);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Inspect(result.Buffer);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _nextHeader -= _handedOut.Slice(_handedOut.Start, consumed).Length;
        _handedOut = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private void Inspect(ReadOnlySequence<byte> buffer)
    {
        _handedOut = buffer;
        Span<byte> header = stackalloc byte[HeaderSize];
        while (_nextHeader + HeaderSize <= buffer.Length)
        {
            buffer.Slice(_nextHeader, HeaderSize).CopyTo(header);
            _frames++;
            if (header[0] > 1)
            {
                inner.AdvanceTo(buffer.Start); // hand the read back: the call ends here
                _handedOut = default;
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"message {_frames} of this call is not a gRPC message frame: its flag byte is {header[0]} (0 plain, 1 compressed)"));
            }

            _nextHeader += HeaderSize + BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        }
    }
}
