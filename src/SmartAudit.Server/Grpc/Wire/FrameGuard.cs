using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace SmartAudit.Server.Grpc.Wire;

/// <summary>
/// Checks the frame of every gRPC message a caller sends before gRPC reads it. gRPC itself throws a bare
/// InvalidDataException for a frame whose flag byte is neither 0 (plain) nor 1 (compressed), which it answers
/// UNKNOWN with an error-level stack trace, and INTERNAL for a call that ends inside a frame or carries a second
/// message on a unary method; here each is INVALID_ARGUMENT saying which message was bad. (A message over the
/// size limit stays RESOURCE_EXHAUSTED, from gRPC.) The one-message methods of library-bound services
/// (grpc.health.v1) are also parsed here first, so a message of theirs that does not parse is INVALID_ARGUMENT too.
/// </summary>
internal static class FrameGuard
{
    /// <summary>The largest request a library-bound method (<see cref="LibraryMessages"/>) is read whole for.</summary>
    private const int LibraryMessageLimit = 64 * 1024;

    /// <summary>
    /// One-message methods bound by libraries with generated marshallers (grpc.health.v1), whose request gRPC would
    /// answer UNKNOWN if it did not parse: read whole and parsed here first. Ours are bound with
    /// <see cref="WireMessages"/> instead.
    /// </summary>
    private static readonly Dictionary<string, Google.Protobuf.MessageParser> LibraryMessages = new(StringComparer.Ordinal)
    {
        ["/grpc.health.v1.Health/Check"] = global::Grpc.Health.V1.HealthCheckRequest.Parser,
        ["/grpc.health.v1.Health/Watch"] = global::Grpc.Health.V1.HealthCheckRequest.Parser,
    };

    /// <summary>Wraps the request body of every gRPC call (content type <c>application/grpc…</c>) in a <see cref="FramedBodyReader"/>.</summary>
    public static IApplicationBuilder UseGrpcFrameGuard(this IApplicationBuilder app) => app.Use(static async (context, next) =>
    {
        if (context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
            && context.Features.Get<IRequestBodyPipeFeature>() is { } body)
        {
            var single = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type is MethodType.Unary or MethodType.ServerStreaming;
            var reader = body.Reader;
            if (LibraryMessages.TryGetValue(context.Request.Path.Value ?? "", out var parser))
            {
                var (whole, refused) = await ReadWholeAsync(reader, parser, context.RequestAborted);
                if (refused is { } status)
                {
                    Refuse(context.Response, status);
                    return;
                }

                reader = PipeReader.Create(new ReadOnlySequence<byte>(whole)); // a broken frame is then found below, as for any call
            }

            context.Features.Set<IRequestBodyPipeFeature>(new GuardedBody(new FramedBodyReader(reader, single)));
        }

        await next(context);
    });

    /// <summary>
    /// The whole body of a one-message call and, if it is one plain frame whose message does not parse, the status
    /// to refuse it with. Anything else about the frame is left to <see cref="FramedBodyReader"/>; compressed
    /// messages to gRPC.
    /// </summary>
    private static async Task<(byte[] Whole, Status? Refused)> ReadWholeAsync(PipeReader reader, Google.Protobuf.MessageParser parser, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (read.Buffer.Length > LibraryMessageLimit)
            {
                reader.AdvanceTo(read.Buffer.End);
                return ([], new Status(StatusCode.ResourceExhausted, $"the message is over {LibraryMessageLimit} bytes"));
            }

            if (!read.IsCompleted)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }

            var whole = read.Buffer.ToArray();
            reader.AdvanceTo(read.Buffer.End);
            // The first message, if its frame is plain and whole: what gRPC would hand the generated parser (anything
            // after it is a second message, refused by FramedBodyReader once the first is read).
            if (whole.Length >= 5 && whole[0] == 0 && BinaryPrimitives.ReadUInt32BigEndian(whole.AsSpan(1)) is var length && length <= whole.Length - 5)
            {
                try
                {
                    parser.ParseFrom(whole.AsSpan(5, (int)length).ToArray());
                }
                catch (Google.Protobuf.InvalidProtocolBufferException ex)
                {
                    return (whole, new Status(StatusCode.InvalidArgument,
                        $"invalid request: (message) the {length}-byte message is not a valid {parser.ParseFrom([]).Descriptor.FullName}: {ex.Message}"));
                }
            }

            return (whole, null);
        }
    }

    /// <summary>A trailers-only gRPC answer: the status in the response headers, no message.</summary>
    private static void Refuse(HttpResponse response, Status status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Detail);
    }

    private sealed class GuardedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}

/// <summary>
/// A request body reader that walks the gRPC frame headers (1 flag byte, 4 length bytes, big-endian) as the
/// bytes arrive. It reads nothing itself: it looks at what the reader underneath hands out, and keeps track of
/// where the next header starts as gRPC consumes. At a bad frame it hands gRPC only the whole messages before it,
/// so those are still read and answered, and refuses the bad one (INVALID_ARGUMENT) when gRPC reaches it.
/// </summary>
/// <param name="inner">The request body.</param>
/// <param name="single">The method takes one message (unary, server streaming): a second is refused.</param>
internal sealed class FramedBodyReader(PipeReader inner, bool single) : PipeReader
{
    private const int HeaderSize = 5;

    private ReadOnlySequence<byte> _handedOut;
    private long _nextHeader; // where the next frame starts, from the start of the unconsumed bytes
    private long _frameStart; // where the last frame whose header was read starts, likewise
    private int _frames;
    private string? _problem; // what is wrong with the frame at _problemAt, once found
    private long _problemAt;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        Inspect(await inner.ReadAsync(cancellationToken));

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        result = Inspect(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var length = _handedOut.Slice(_handedOut.Start, consumed).Length;
        _nextHeader -= length;
        _frameStart -= length;
        _problemAt -= length;
        _handedOut = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private ReadResult Inspect(ReadResult result)
    {
        var buffer = result.Buffer;
        _handedOut = buffer;
        if (_problem is null)
        {
            Scan(buffer, result.IsCompleted);
        }

        if (_problem is null)
        {
            return result;
        }

        if (_problemAt <= 0)
        {
            inner.AdvanceTo(buffer.Start); // hand the read back: the call ends here
            _handedOut = default;
            throw new RpcException(new Status(StatusCode.InvalidArgument, _problem));
        }

        // the whole messages before the bad frame first: gRPC reads and answers them, then comes back for more
        _handedOut = buffer.Slice(0, _problemAt);
        return new ReadResult(_handedOut, result.IsCanceled, isCompleted: false);
    }

    private void Scan(ReadOnlySequence<byte> buffer, bool ended)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        while (_nextHeader + HeaderSize <= buffer.Length)
        {
            buffer.Slice(_nextHeader, HeaderSize).CopyTo(header);
            if (header[0] > 1)
            {
                Found(_nextHeader, $"message {_frames + 1} of this call is not a gRPC message frame: its flag byte is {header[0]} (0 plain, 1 compressed)");
                return;
            }

            if (single && _frames > 0)
            {
                Found(_nextHeader, "this method takes one message, and a second one followed it");
                return;
            }

            _frames++;
            _frameStart = _nextHeader;
            _nextHeader += HeaderSize + BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        }

        if (!ended)
        {
            return;
        }

        if (single && _frames == 0 && buffer.Length == 0)
        {
            Found(0, "the call carried no message");
        }
        else if (_nextHeader < buffer.Length)
        {
            Found(_nextHeader, $"the call ended inside the header of message {_frames + 1}");
        }
        else if (_nextHeader > buffer.Length)
        {
            Found(_frameStart, $"the call ended before message {_frames} was complete ({_nextHeader - buffer.Length} of its bytes are missing)");
        }
    }

    private void Found(long at, string problem)
    {
        _problem = problem;
        _problemAt = at;
    }
}
