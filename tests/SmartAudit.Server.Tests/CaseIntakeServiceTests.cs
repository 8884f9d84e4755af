using Microsoft.Extensions.Logging.Abstractions;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Workbench.Cases;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>The embedded case intake: no single case can fault it (and through it stop the host).</summary>
public sealed class CaseIntakeServiceTests
{
    // Issue 16 item 2: two amounts near long.MaxValue overflowed the checked sum in CaseRecord.From and stopped the host.
    [Fact]
    public async Task Intake_AmountsNearLongMax_CaseAddedAtTheLargestAmount_AndTheNextToo()
    {
        var store = new InMemoryCaseStore();
        var (queue, intake) = await StartAsync(store);

        queue.Offer(Decision("HUGE", long.MaxValue - 1, long.MaxValue - 1));
        queue.Offer(Decision("NEXT", 100));
        await Eventually(async () => await store.GetAsync("NEXT") is not null);

        Assert.Equal(long.MaxValue, (await store.GetAsync("HUGE"))!.Record.ClaimAmountFen);
        Assert.False(intake.ExecuteTask!.IsCompleted);
        await intake.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Intake_StoreRefusesOneCase_SetAsideAndCounted_TheNextIsAdded()
    {
        var store = new RefusingStore("BAD");
        var (queue, intake) = await StartAsync(store);

        queue.Offer(Decision("BAD", 100));
        queue.Offer(Decision("GOOD", 100));
        await Eventually(async () => await store.GetAsync("GOOD") is not null);

        Assert.Equal(1, intake.SetAside);
        Assert.False(intake.ExecuteTask!.IsCompleted);
        await intake.StopAsync(CancellationToken.None);
    }

    private static async Task<(CaseIntakeQueue Queue, CaseIntakeService Intake)> StartAsync(ICaseStore store)
    {
        var queue = new CaseIntakeQueue(NullLogger<CaseIntakeQueue>.Instance);
        var intake = new CaseIntakeService(queue, store, TimeSpan.FromHours(8), NullLogger<CaseIntakeService>.Instance);
        await intake.StartAsync(CancellationToken.None);
        return (queue, intake);
    }

    private static Decision Decision(string requestId, params long[] amounts)
    {
        var lines = amounts.Select((a, i) => Orders.Line("XG04CBF036A001", $"{i + 1}") with { AmountFen = a }).ToArray();
        var request = Orders.Request(Stage.Mid, lines: lines) with { RequestId = requestId };
        Finding[] findings = [new("GZ-SEX-001", "SEX_RESTRICTION", Severity.Block, Certainty.Certain, "m", "m", [.. lines.Select(l => l.LineId)])];
        return new Decision(request, AuditAction.Block, findings, "v1", [], 10, new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for the intake");
            await Task.Delay(20);
        }
    }

    /// <summary>An in-memory store that refuses one case as a store with a bug or a constraint would.</summary>
    private sealed class RefusingStore(string refused) : ICaseStore
    {
        private readonly InMemoryCaseStore _inner = new();

        public Task<bool> AddAsync(CaseRecord record, CancellationToken cancellationToken = default) =>
            record.CaseId == refused ? throw new InvalidOperationException("refused") : _inner.AddAsync(record, cancellationToken);

        public Task<CaseFile?> GetAsync(string caseId, CancellationToken cancellationToken = default) => _inner.GetAsync(caseId, cancellationToken);

        public Task AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default) => _inner.AppendAsync(decision, cancellationToken);

        public Task<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

        public Task<CaseStats> StatsAsync(CaseQuery filter, CancellationToken cancellationToken = default) => _inner.StatsAsync(filter, cancellationToken);

        public Task ClearAsync(CancellationToken cancellationToken = default) => _inner.ClearAsync(cancellationToken);
    }
}
