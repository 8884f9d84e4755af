using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Decisions;
using SmartAudit.Embedded.Decisions;
using SmartAudit.Kafka.Compliance;

namespace SmartAudit.Workbench.Cases;

/// <summary>
/// The dashboard's pre-alert compliance rate over the last 30 days: computed from the decisions and feedback
/// topics when the server logs to Kafka (the same computation as <c>smartaudit report compliance</c>), or from the
/// embedded JSON-lines decision log. Kept for a minute: the figure moves slowly and reading the log is not free.
/// </summary>
public sealed class ComplianceFigures(IServiceProvider services, FundCalendar calendar, IOptions<DecisionLogOptions> log, TimeProvider clock) : IDisposable
{
    public const int Days = 30;
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, ComplianceRow? Row, string? Problem) _last;

    /// <summary>The total row (reminders, followed, rate), or null with the reason it could not be computed.</summary>
    public async Task<(ComplianceRow? Row, string? Problem)> TotalAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (_last.At != default && now - _last.At < KeepFor)
            {
                return (_last.Row, _last.Problem);
            }

            var today = DateOnly.FromDateTime(now.ToOffset(calendar.Offset).DateTime);
            var window = ComplianceWindow.Days(today.AddDays(-(Days - 1)), today, calendar.Offset);
            (ComplianceRow? Row, string? Problem) result;
            try
            {
                var reader = services.GetService<ComplianceReader>();
                var report = reader is not null ? await reader.ReadAsync(window, cancellationToken) : await ReadFileAsync(window, cancellationToken);
                result = (report.Total, null);
            }
            catch (Exception ex) when (ex is IOException or Confluent.Kafka.KafkaException or UnauthorizedAccessException)
            {
                result = (null, ex.Message);
            }

            _last = (now, result.Row, result.Problem);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ComplianceReport> ReadFileAsync(ComplianceWindow window, CancellationToken cancellationToken)
    {
        var calculator = new ComplianceCalculator(window);
        var path = Path.GetFullPath(log.Value.Path);
        if (!File.Exists(path))
        {
            return calculator.Build();
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (line.Contains($"\"schema\":\"{FeedbackRecord.SchemaV1}\"", StringComparison.Ordinal))
                {
                    calculator.Add(JsonSerializer.Deserialize(line, DecisionJsonContext.Default.FeedbackRecord)!);
                }
                else
                {
                    calculator.Add(JsonSerializer.Deserialize(line, DecisionJsonContext.Default.DecisionRecord)!);
                }
            }
            catch (JsonException)
            {
                calculator.AddUnreadable();
            }
        }

        return calculator.Build();
    }

    public void Dispose() => _gate.Dispose();
}
