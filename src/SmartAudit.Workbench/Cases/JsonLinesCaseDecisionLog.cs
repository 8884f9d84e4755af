using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Cases;

/// <summary>
/// The embedded record of case decisions: one JSON line per decision, appended and flushed before the reviewer
/// sees it saved (decisions come at a person's pace). Production produces them to the case-decisions topic.
/// </summary>
internal sealed class JsonLinesCaseDecisionLog : ICaseDecisionLog, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;

    public JsonLinesCaseDecisionLog(IOptions<WorkbenchOptions> options)
    {
        _path = Path.GetFullPath(options.Value.DecisionsPath); // relative to the working directory, like the decision log
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
    }

    public async ValueTask AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default)
    {
        var line = CaseJsonContext.ToUtf8(decision);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var open = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
            {
                open.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // case decisions name patients: the service account's alone
            }

            await using var stream = new FileStream(_path, open);
            await stream.WriteAsync(line, cancellationToken);
            stream.WriteByte((byte)'\n');
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
