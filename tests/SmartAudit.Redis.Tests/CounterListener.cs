using System.Diagnostics.Metrics;

namespace SmartAudit.Redis.Tests;

/// <summary>Adds up what one counter of one meter factory (one server, one store) records from now on.</summary>
internal sealed class CounterListener : IDisposable
{
    private readonly MeterListener _listener;
    private long _total;

    public CounterListener(IMeterFactory factory, string instrumentName, string? tagKey = null, string? tagValue = null)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tagKey is null)
            {
                Interlocked.Add(ref _total, value);
                return;
            }

            foreach (var tag in tags)
            {
                if (tag.Key == tagKey && (string?)tag.Value == tagValue)
                {
                    Interlocked.Add(ref _total, value);
                }
            }
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
