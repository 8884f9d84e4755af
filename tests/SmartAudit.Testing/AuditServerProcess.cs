using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using SmartAudit.Contracts.V1;

namespace SmartAudit.Testing;

/// <summary>
/// The audit server in a process of its own (the build beside the tests, Debug or Release alike), on a free
/// loopback port with its embedded defaults, its console log kept line by line. For tests that must show the
/// process itself survives (a crash in a test host would take the test run with it) or that it stops as the
/// operating system stops it.
/// </summary>
public sealed class AuditServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private AuditServerProcess(Process process, ConcurrentQueue<string> output, string address, string workDir)
    {
        _process = process;
        _output = output;
        Address = address;
        WorkDir = workDir;
        Channel = GrpcChannel.ForAddress(address);
        Client = new AuditService.AuditServiceClient(Channel);
    }

    public string Address { get; }

    /// <summary>A temporary folder of the server's own, where its decision log is (<c>decisions.jsonl</c>).</summary>
    public string WorkDir { get; }

    public string DecisionLogPath => Path.Combine(WorkDir, "decisions.jsonl");

    public GrpcChannel Channel { get; }

    public AuditService.AuditServiceClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>Every line the server wrote to its console so far (standard output and error).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <param name="settings">Extra configuration as <c>Section:Key=value</c> pairs.</param>
    public static async Task<AuditServerProcess> StartAsync(IEnumerable<string>? settings = null)
    {
        var root = RepositoryRoot();
        // SMARTAUDIT_SERVER_ROOT: another checkout's server build (e.g. an older commit, for before/after figures)
        var serverRoot = Environment.GetEnvironmentVariable("SMARTAUDIT_SERVER_ROOT") is { Length: > 0 } other ? other : root;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(serverRoot, "src", "SmartAudit.Server", "bin", configuration, "net10.0", "SmartAudit.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"the server's {configuration} build is missing: {dll}");
        }

        var address = $"http://127.0.0.1:{FreePort()}";
        var workDir = Directory.CreateTempSubdirectory("smartaudit-process-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     dll, "--urls", address, $"--Audit:RulesPath={ShippedRules.Folder}",
                     $"--DecisionLog:Path={Path.Combine(workDir, "decisions.jsonl")}", "--Logging:LogLevel:Default=Warning",
                     "--Logging:Console:FormatterName=simple",
                 }.Concat((settings ?? []).Select(s => "--" + s)))
        {
            start.ArgumentList.Add(arg);
        }

        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new AuditServerProcess(process, output, address, workDir);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await server.Client.PingAsync(new PingRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                return server;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (Exception ex)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"the server did not start: {string.Join('\n', output)}", ex);
            }
        }
    }

    /// <summary>Log lines at error or critical level, and stack-trace lines, that the server wrote.</summary>
    public IReadOnlyList<string> ErrorsAndStackTraces() =>
        [.. _output.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)
                               || l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('(', StringComparison.Ordinal))];

    /// <summary>SIGTERM: stop as an orchestrator stops a pod (the server drains and exits).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash or an out-of-memory kill.</summary>
    public void Kill() => _process.Kill();

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmartAudit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SmartAudit.sln not found above the test's folder");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
