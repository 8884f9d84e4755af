using Microsoft.Extensions.Options;
using SmartAudit.Fraud.Scoring;

namespace SmartAudit.Server.Fraud;

/// <summary>
/// Loads the fraud model when the host starts and again whenever its file changes (a new version swaps in
/// atomically). A missing or unusable file is logged as an error with the reason and kept for the health
/// check; the model already serving, if any, stays; with none, answers are rules-only and degraded.
/// </summary>
internal sealed partial class FraudModelLoader(ActiveFraudModel active, IOptions<FraudOptions> options, ILogger<FraudModelLoader> logger)
    : IHostedService, IDisposable
{
    /// <summary>File events come in bursts while a file is written; load once they stop for this long.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;

    /// <summary>The model file this host reads, or null when none was configured or found.</summary>
    public string? ModelPath { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        ModelPath = Locate(options.Value.ModelPath);
        if (ModelPath is null)
        {
            Fail("no model file: set Fraud:ModelPath, or run from the repository so that models/fraud.zip is found");
            return Task.CompletedTask;
        }

        Load();
        Watch(ModelPath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _debounce?.Dispose();
        _debounce = null;
    }

    /// <summary>Loads the file now: serves it when usable, records the problem when not.</summary>
    public void Load()
    {
        if (ModelPath is not { } path)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                var model = FraudModel.Load(path);
                if (active.Current?.Version == model.Version && active.Problem is null)
                {
                    return; // the same file again (an editor touching it): nothing to swap
                }

                active.Serve(model);
                LogLoaded(logger, model.Version, model.Metadata.Trainer, path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Fail(ex.Message);
            }
        }
    }

    /// <summary>The configured path, or <c>models/fraud.zip</c> found from the working directory (then the app's) upwards.</summary>
    public static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models", "fraud.zip");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private void Fail(string problem)
    {
        active.Fail(problem);
        if (active.Current is { } serving)
        {
            LogReloadFailed(logger, problem, serving.Version);
        }
        else
        {
            LogUnavailable(logger, problem);
        }
    }

    private void Watch(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        _debounce = new Timer(_ => Load());
        _watcher = new FileSystemWatcher(directory, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.Deleted += OnFileEvent;
        _watcher.EnableRaisingEvents = true;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        try
        {
            _debounce?.Change(Settle, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // an event racing the host's shutdown: nothing left to reload
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fraud model {Version} ({Trainer}) in service, from {Path}")]
    private static partial void LogLoaded(ILogger logger, string version, string trainer, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fraud model unavailable, answers are rules-only and degraded: {Problem}")]
    private static partial void LogUnavailable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fraud model reload failed, {Version} stays in service: {Problem}")]
    private static partial void LogReloadFailed(ILogger logger, string problem, string version);
}
