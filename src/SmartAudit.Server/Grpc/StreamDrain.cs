namespace SmartAudit.Server.Grpc;

/// <summary>
/// How one CheckStream finishes when the server stops. The stream keeps reading what its client has already
/// sent (bytes in flight when the stop began would otherwise be read by nobody and answered by nobody) until
/// the client pauses for <see cref="AuditOptions.StreamDrainIdle"/> or <see cref="AuditOptions.StreamDrainLimit"/>
/// has passed; the handler then answers everything it read and ends the stream UNAVAILABLE.
/// </summary>
internal sealed class StreamDrain : IDisposable
{
    private readonly CancellationTokenSource _reading;
    private readonly CancellationTokenRegistration _onDrain;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _idle;
    private readonly TimeSpan _limit;
    private long _began;
    private volatile bool _draining;

    /// <param name="options">The drain's idle time and limit.</param>
    /// <param name="clock">Measures the limit.</param>
    /// <param name="call">The call's own token (the client went away, or its deadline passed).</param>
    /// <param name="serverDraining">Cancelled when the server starts stopping (<see cref="OpenStreams.Draining"/>).</param>
    public StreamDrain(AuditOptions options, TimeProvider clock, CancellationToken call, CancellationToken serverDraining)
    {
        _clock = clock;
        _idle = options.StreamDrainIdle;
        _limit = options.StreamDrainLimit;
        _reading = CancellationTokenSource.CreateLinkedTokenSource(call);
        _onDrain = serverDraining.Register(Begin);
    }

    /// <summary>Cancels a read that waits longer than the idle time once the server is stopping.</summary>
    public CancellationToken Token => _reading.Token;

    /// <summary>Whether the server is stopping: the stream ends UNAVAILABLE once what it read is answered.</summary>
    public bool IsDraining => _draining;

    /// <summary>False once the drain's time is up: read no more.</summary>
    public bool KeepReading => !_draining || _clock.GetElapsedTime(Volatile.Read(ref _began)) < _limit;

    /// <summary>Requests read since the server began stopping.</summary>
    public int Read { get; private set; }

    /// <summary>A request was read: while draining, the client gets another idle period to send the next.</summary>
    public void Count()
    {
        if (_draining)
        {
            Read++;
            _reading.CancelAfter(_idle);
        }
    }

    public void Dispose()
    {
        _onDrain.Dispose();
        _reading.Dispose();
    }

    private void Begin()
    {
        Volatile.Write(ref _began, _clock.GetTimestamp());
        _draining = true;
        _reading.CancelAfter(_idle);
    }
}
