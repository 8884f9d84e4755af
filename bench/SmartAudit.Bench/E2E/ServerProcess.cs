using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using SmartAudit.Contracts.V1;

namespace SmartAudit.Bench.E2E;

/// <summary>
/// The audit server in a process of its own (its Release build), so that its CPU time and peak memory
/// can be read from /proc apart from the load generator's.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ServerEnvironmentPrefix = "SMARTAUDIT_BENCH_SERVER_";
    private readonly Process _process;
    private readonly string _workDir;

    private ServerProcess(Process process, string address, string workDir)
    {
        _process = process;
        Address = address;
        _workDir = workDir;
    }

    public string Address { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string repoRoot, string rulesPath, IEnumerable<string> extraArgs)
    {
        var dll = Path.Combine(repoRoot, "src", "SmartAudit.Server", "bin", "Release", "net10.0", "SmartAudit.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"build the server first (dotnet build -c Release SmartAudit.sln): {dll} is missing");
        }

        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var workDir = Directory.CreateTempSubdirectory("smartaudit-bench-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     dll, "--urls", address, $"--Audit:RulesPath={rulesPath}",
                     $"--DecisionLog:Path={Path.Combine(workDir, "decisions.jsonl")}", "--Logging:LogLevel:Default=Warning",
                 }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        // Runtime settings for the server alone, for side-by-side experiments without touching the generator:
        // SMARTAUDIT_BENCH_SERVER_DOTNET_gcServer=0 starts the server with DOTNET_gcServer=0.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (name.StartsWith(ServerEnvironmentPrefix, StringComparison.Ordinal))
            {
                start.Environment[name[ServerEnvironmentPrefix.Length..]] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[server] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, address, workDir);
        using var channel = GrpcChannel.ForAddress(address);
        var client = new AuditService.AuditServiceClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await client.PingAsync(new PingRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                return server;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>User plus system CPU time the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>Peak resident set size (VmHWM) in bytes.</summary>
    public long PeakRssBytes() => StatusKilobytes("VmHWM:") * 1024;

    private long StatusKilobytes(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }
}
