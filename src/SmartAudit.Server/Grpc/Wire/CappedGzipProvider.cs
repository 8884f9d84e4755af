using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace SmartAudit.Server.Grpc.Wire;

/// <summary>
/// gzip for messages a caller compresses, in place of gRPC's own provider, which expands a message with no
/// limit (gRPC checks the size limit before decompressing): a 4 MiB gzip bomb would grow to gigabytes and
/// take the server down. Here a message that expands past <paramref name="maxBytes"/> is RESOURCE_EXHAUSTED and
/// one that is not gzip at all INVALID_ARGUMENT, both before anything else is read.
/// </summary>
internal sealed class CappedGzipProvider(int maxBytes) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) => new CappedStream(new GZipStream(stream, CompressionMode.Decompress), maxBytes);

    private sealed class CappedStream(Stream inner, int maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = inner.Read(buffer);
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the message does not decompress as gzip: {ex.Message}"));
            }

            _read += read;
            if (_read > maxBytes)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the message decompresses to more than {maxBytes} bytes, the largest this server takes"));
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
