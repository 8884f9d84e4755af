namespace SmartAudit.Server.Grpc;

/// <summary>
/// The CheckStream calls still open, so that a stopping server lets each one answer what it has and end
/// cleanly, its final status on the wire, before the web server closes the connections. Without this wait
/// the two race: a stream ending just as Kestrel closes its connection reaches the client as a broken
/// connection instead of the OK that tells it to reconnect elsewhere.
/// </summary>
/// <remarks>
/// A hosted service stops before the web server (hosted services stop in the reverse order of their
/// registration, and the web server's is registered first); the streams themselves stop reading when the
/// application starts stopping, just before.
/// </remarks>
internal sealed class OpenStreams : IHostedService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    // After the last stream ended: time for its client to read the final status off its socket before the
    // connection closes (closing a socket with frames still unread can reset it, and the status with it).
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);
    private int _open;

    public int Count => Volatile.Read(ref _open);

    /// <summary>Counts a stream open until its response, trailers included, has been sent.</summary>
    public void Opened(HttpContext call)
    {
        ArgumentNullException.ThrowIfNull(call);
        Interlocked.Increment(ref _open);
        call.Response.OnCompleted(() =>
        {
            Interlocked.Decrement(ref _open);
            return Task.CompletedTask;
        });
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for the open streams to end (and a moment more), at most until the host's shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Count == 0)
        {
            return;
        }

        try
        {
            while (Count > 0)
            {
                await Task.Delay(Poll, cancellationToken);
            }

            await Task.Delay(Linger, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the shutdown timeout passed: the web server closes what is left
        }
    }
}
