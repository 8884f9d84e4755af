using Microsoft.Extensions.Options;

namespace SmartAudit.Server.Grpc;

/// <summary>
/// The CheckStream calls still open, so that a stopping server lets each one answer what it has and end
/// with its final status (UNAVAILABLE: reconnect elsewhere) on the wire, before the web server closes the connections. Without this the
/// two race: a stream ending just as Kestrel closes its connection reaches the client as a broken
/// connection instead of the status that tells it which requests were answered.
/// </summary>
/// <remarks>
/// The host calls every lifecycle service's <see cref="StoppingAsync"/> first, before it signals
/// ApplicationStopping and before any hosted service's StopAsync (the web server's included). So this
/// service tells the streams itself (<see cref="Draining"/>), and waits for them.
/// </remarks>
internal sealed class OpenStreams(IOptions<AuditOptions> options) : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    // After the last stream's handler returned: time for its final status to be written and for the client
    // to read it before the connection closes (closing a socket with frames still unread can reset it).
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _draining = new();
    private int _open;

    /// <summary>Cancelled when the server starts stopping: a stream stops taking requests and answers what it has.</summary>
    public CancellationToken Draining => _draining.Token;

    public int Count => Volatile.Read(ref _open);

    /// <summary>Counts a stream's handler as running until the returned scope is disposed.</summary>
    public Scope Open()
    {
        Interlocked.Increment(ref _open);
        return new Scope(this);
    }

    /// <summary>Tells the streams to finish, then waits for them (and a moment more), at most <see cref="AuditOptions.ShutdownGrace"/>.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _draining.CancelAsync();
        if (Count == 0)
        {
            return;
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(options.Value.ShutdownGrace);
        try
        {
            while (Count > 0)
            {
                await Task.Delay(Poll, grace.Token);
            }

            await Task.Delay(Linger, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the grace period or the shutdown timeout passed: the web server closes what is left
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _draining.Dispose();

    /// <summary>One running stream handler.</summary>
    public readonly struct Scope(OpenStreams streams) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref streams._open);
    }
}
