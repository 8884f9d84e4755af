using System.Diagnostics;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.History;
using SmartAudit.Fraud.Simulation;

namespace SmartAudit.Workbench.Cases;

/// <summary>
/// Gives a new embedded workbench something to review: simulated settled claims (the fraud model's simulator,
/// with its fraud patterns) audited at POST by the real auditor once the server has started. The flagged ones
/// reach the queue the way any decision does, through the case intake.
/// </summary>
internal sealed partial class DemoCaseSeeder(IOptions<WorkbenchOptions> options, FundCalendar calendar, Auditor auditor, IDecisionLog log,
    IPatientHistoryStore history, IHostApplicationLifetime lifetime, ILogger<DemoCaseSeeder> logger, IFraudScorer? fraud = null) : BackgroundService
{
    private static readonly IReadOnlyList<string> NotDegraded = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = options.Value.DemoClaims;
        if (count == 0)
        {
            return;
        }

        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var clock = Stopwatch.StartNew();
        const int days = 90;
        var offset = calendar.Offset;
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(offset).DateTime);
        var simulation = new SimulationOptions { Seed = 20261123, Patients = Math.Max(200, count * 2 / 3), Days = days, StartDate = today.AddDays(-days) };
        var claims = new ClaimsSimulator(auditor.Rules.Current.Knowledge, simulation).Run();

        // Audited as if at settlement, 17:00 local time on the claim's settlement day, so the queue and the
        // dashboard look like the last three months of a fund's work rather than one burst.
        var replay = new ReplayClock();
        var replaying = new Auditor(auditor.Rules, log, history, replay, fraud);
        var audited = 0;
        foreach (var claim in claims.Take(count))
        {
            replay.Now = new DateTimeOffset(claim.SettledOn.ToDateTime(new TimeOnly(17, 0)), offset).AddSeconds(audited % 3600);
            await replaying.AuditAsync(claim.Request with { Stage = Stage.Post }, NotDegraded, Stopwatch.GetTimestamp(), stoppingToken);
            audited++;
        }

        LogSeeded(logger, audited, clock.ElapsedMilliseconds);
    }

    private sealed class ReplayClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workbench demo: {Claims} simulated claims audited at POST in {Milliseconds} ms; flagged ones are in the queue")]
    private static partial void LogSeeded(ILogger logger, int claims, long milliseconds);
}
