using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SmartAudit.Kafka.Producing;

/// <summary>
/// The <c>record-id</c> every log record carries, which consumers deduplicate on: a UUID version 7
/// (RFC 9562), the record's time in milliseconds followed by 74 random bits, so ids sort by time and two
/// never meet by chance. <see cref="Guid.CreateVersion7()"/> does the same but reads the system's random
/// source once per id (a <c>read</c> of /dev/urandom on this runtime, about 1.6 µs); this takes the random
/// bits from a buffer filled 4 KiB at a time, one read per 256 ids. Thread-safe.
/// </summary>
internal sealed class RecordIds
{
    private const int IdBytes = 16;
    private const int BufferBytes = 256 * IdBytes;
    private readonly byte[] _random = new byte[BufferBytes];
    private readonly Lock _gate = new();
    private int _used = BufferBytes; // all used: the buffer is filled on first use

    /// <summary>A new id for a record of <paramref name="unixMilliseconds"/>, in the usual 8-4-4-4-12 form.</summary>
    public string Next(long unixMilliseconds)
    {
        Span<byte> id = stackalloc byte[IdBytes];
        lock (_gate)
        {
            if (_used == BufferBytes)
            {
                RandomNumberGenerator.Fill(_random);
                _used = 0;
            }

            _random.AsSpan(_used, IdBytes).CopyTo(id);
            _used += IdBytes;
        }

        // 48 bits of time, big-endian; then the version in the high nibble of byte 6 and the variant (10) in
        // the top bits of byte 8; the other 74 bits stay random.
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, unixMilliseconds);
        time[2..].CopyTo(id);
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return new Guid(id, bigEndian: true).ToString();
    }
}
