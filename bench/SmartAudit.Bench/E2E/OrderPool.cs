using System.Globalization;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;

namespace SmartAudit.Bench.E2E;

/// <summary>
/// The requests the end-to-end scenarios send: the five-line order the latency targets quote, as a MID
/// (settlement) request, so that the history is read and written and the fraud model scores it. One order
/// per patient, <see cref="Size"/> patients, built once so the generator only picks the next: a request
/// reads that patient's history (the visits the run has recorded so far) and records its own visit.
/// </summary>
internal sealed class OrderPool
{
    public const int Size = 4096;

    private readonly CheckRequest[] _orders;
    private long _next = -1;

    public OrderPool()
    {
        var template = WireOrders.FiveLineOrder();
        _orders = new CheckRequest[Size];
        for (var i = 0; i < Size; i++)
        {
            var order = template.Clone();
            order.Stage = Stage.Mid;
            order.RequestId = i.ToString(CultureInfo.InvariantCulture);
            order.Patient.Id = $"BENCH-P{i:D5}";
            order.Encounter.Id = $"BENCH-E{i:D5}";
            _orders[i] = order;
        }
    }

    /// <summary>The next order round the pool (thread-safe): for unary callers.</summary>
    public CheckRequest Next() => _orders[(int)(Interlocked.Increment(ref _next) % Size)];

    /// <summary>
    /// The order a stream sends as its <paramref name="sequence"/>th request: each stream has its own share
    /// of the pool, so no two streams send the same message object at once. Its request id is its index in
    /// the pool, whose remainder by the window is the sequence's (the share is a multiple of the window).
    /// </summary>
    public CheckRequest ForStream(int stream, int streams, long sequence)
    {
        var share = Size / streams;
        return _orders[(stream * share) + (int)(sequence % share)];
    }
}
