using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace SmartAudit.Testing.Wire;

/// <summary>What a raw gRPC call came back with: its status, its message, and the response messages' bytes.</summary>
public sealed record RawGrpcResult(int Status, string Message, IReadOnlyList<byte[]> Messages)
{
    /// <summary>The status name (OK, INVALID_ARGUMENT, …) for counts.</summary>
    public string StatusName => ((Grpc.Core.StatusCode)Status).ToString();
}

/// <summary>
/// A gRPC client that sends bytes exactly as given: frames (flag byte, length, payload) built or damaged by the
/// test, over a real HTTP/2 connection (cleartext, prior knowledge), so that what a broken client sends reaches
/// the server as it would from the network, without a gRPC library tidying it first.
/// </summary>
public sealed class RawGrpcClient(string address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = new Uri(address),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A gRPC message frame: flag byte, 4-byte big-endian length, payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, byte flag = 0, int? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), declaredLength ?? payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>One request body (any bytes) to a method, e.g. <c>/smartaudit.v1.AuditService/Check</c>.</summary>
    public async Task<RawGrpcResult> CallAsync(string path, byte[] body, string? encoding = null, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(path, new ByteArrayContent(body), encoding);
        using var response = await _http.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return Result(response, bytes);
    }

    /// <summary>Opens a duplex call whose request frames are sent as the test writes them.</summary>
    public async Task<RawGrpcStream> OpenStreamAsync(string path, CancellationToken cancellationToken = default)
    {
        var content = new FrameContent();
        var request = NewRequest(path, content, null);
        var sending = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return new RawGrpcStream(request, content, sending);
    }

    public void Dispose() => _http.Dispose();

    internal static RawGrpcResult Result(HttpResponseMessage response, byte[] body)
    {
        var status = Header(response, "grpc-status");
        var message = Header(response, "grpc-message");
        return new RawGrpcResult(status is null ? -1 : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
            message is null ? string.Empty : Uri.UnescapeDataString(message), Split(body));
    }

    private static HttpRequestMessage NewRequest(string path, HttpContent content, string? encoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private static List<byte[]> Split(byte[] body)
    {
        var messages = new List<byte[]>();
        var at = 0;
        while (at + 5 <= body.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(at + 1));
            messages.Add(body.AsSpan(at + 5, Math.Min(length, body.Length - at - 5)).ToArray());
            at += 5 + length;
        }

        return messages;
    }

    /// <summary>A request body written frame by frame while the response is read.</summary>
    internal sealed class FrameContent : HttpContent
    {
        private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>();

        public ValueTask WriteAsync(byte[] bytes, CancellationToken cancellationToken) => _frames.Writer.WriteAsync(bytes, cancellationToken);

        public void Complete() => _frames.Writer.TryComplete();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await foreach (var bytes in _frames.Reader.ReadAllAsync())
            {
                await stream.WriteAsync(bytes);
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}

/// <summary>An open duplex call: write raw bytes, read response messages one at a time, then the status.</summary>
public sealed class RawGrpcStream : IAsyncDisposable
{
    private readonly HttpRequestMessage _request;
    private readonly RawGrpcClient.FrameContent _content;
    private readonly Task<HttpResponseMessage> _sending;
    private HttpResponseMessage? _response;
    private Stream? _body;

    internal RawGrpcStream(HttpRequestMessage request, RawGrpcClient.FrameContent content, Task<HttpResponseMessage> sending)
    {
        _request = request;
        _content = content;
        _sending = sending;
    }

    public ValueTask WriteAsync(byte[] bytes, CancellationToken cancellationToken = default) => _content.WriteAsync(bytes, cancellationToken);

    /// <summary>Ends the request side (the client's half-close).</summary>
    public void Complete() => _content.Complete();

    /// <summary>The next response message, or null when the server ended the call.</summary>
    public async Task<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        _response ??= await _sending.WaitAsync(cancellationToken);
        _body ??= await _response.Content.ReadAsStreamAsync(cancellationToken);
        var header = new byte[5];
        if (!await ReadExactlyAsync(_body, header, cancellationToken))
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
        return await ReadExactlyAsync(_body, message, cancellationToken) ? message : null;
    }

    /// <summary>The call's status, once the server has ended it (read every message first).</summary>
    public async Task<RawGrpcResult> StatusAsync(CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken) is not null)
        {
        }

        return RawGrpcClient.Result(_response!, []);
    }

    public async ValueTask DisposeAsync()
    {
        _content.Complete();
        if (_body is not null)
        {
            await _body.DisposeAsync();
        }

        _response?.Dispose();
        _request.Dispose();
    }

    private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
