using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmartAudit.Testing;

/// <summary>
/// A real <c>redis-server</c> of the test's own, on a free loopback port, with no persistence unless
/// asked. It can be stopped (killed, as in an outage) and started again on the same port, so tests can
/// take Redis away mid-traffic. <c>.ci/run</c> installs redis-server; without it the tests fail with a
/// message saying how to install it, they are never skipped.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;

    private RedisServerProcess(string executable, int port)
    {
        _executable = executable;
        Port = port;
        _directory = Path.Combine(Path.GetTempPath(), $"smartaudit-redis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    public int Port { get; }

    /// <summary>The configuration string clients use: loopback, the port, and fast connection settings.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Finds redis-server on PATH and starts it on a free loopback port.</summary>
    public static async Task<RedisServerProcess> StartAsync()
    {
        var executable = FindExecutable();
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServerProcess(executable, FreePort());
            try
            {
                await server.StartAgainAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // the port was taken between choosing and binding it: try another
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the server (again) on the same port; with data saved by <see cref="SaveAndStopAsync"/> if any.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _directory, "--dbfilename", "dump.rdb", "--protected-mode", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_executable}");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await PingAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Kill();
                string log;
                lock (output)
                {
                    log = output.ToString();
                }

                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}:\n{log}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Kills the server, as in a crash or a network outage: connections drop, data is lost.</summary>
    public void Kill()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Saves the data to disk and stops the server, so <see cref="StartAgainAsync"/> comes back with it.</summary>
    public async Task SaveAndStopAsync()
    {
        await SendAsync("SHUTDOWN SAVE\r\n");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (_process is { HasExited: false } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Kill();
    }

    /// <summary>True if the server answers PING now.</summary>
    public async Task<bool> PingAsync() => (await SendAsync("PING\r\n"))?.StartsWith("+PONG", StringComparison.Ordinal) == true;

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task<string?> SendAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server is not on PATH: the Redis tests run against a real server. Install it "
            + "(Debian/Ubuntu: apt-get install -y redis-server; .ci/run does this) and run the tests again.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
