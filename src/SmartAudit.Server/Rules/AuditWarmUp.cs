using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.Rules;
using SmartAudit.Core.History;
using SmartAudit.Server.Grpc;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Server.Rules;

/// <summary>
/// Runs a few synthetic orders (every stage, items of the active rule set) through the whole audit path before the
/// server takes requests, with a history and a log of its own so nothing is recorded: the first real requests then
/// find the mapper, the engine, the model and the response mapper compiled, instead of spending their history budget
/// on the JIT; and sets the thread pool's starting size (<see cref="AuditOptions.MinWorkerThreads"/>). The host runs <see cref="StartingAsync"/> before the web server starts listening.
/// </summary>
internal sealed partial class AuditWarmUp(ActiveRuleSet rules, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditWarmUp> logger,
    IFraudScorer? fraud = null) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = options.Value.MinWorkerThreads > 0 ? options.Value.MinWorkerThreads : 8 * Environment.ProcessorCount;
        if (wanted > workers)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }

        if (!rules.IsAvailable)
        {
            return; // nothing to warm with: the first requests after the first version pay for it
        }

        try
        {
            var auditor = new Auditor(rules, new NoLog(), new InMemoryPatientHistoryStore(new HistoryOptions()), clock, fraud);
            var mapper = new CheckRequestMapper(RequestLimits.Default with { Clock = clock });
            var items = rules.Snapshot().RuleSet.Knowledge.Items.Where(i => i.Kind is not null).Take(5).ToArray();
            for (var round = 0; round < 4; round++)
            {
                foreach (var stage in new[] { V1.Stage.Pre, V1.Stage.Mid, V1.Stage.Post })
                {
                    var request = mapper.TryMap(Order(stage, round, items), out _);
                    if (request is not null)
                    {
                        CheckResponseMapper.ToResponse(await auditor.AuditAsync(request, [], System.Diagnostics.Stopwatch.GetTimestamp(), cancellationToken));
                    }
                }
            }
        }
#pragma warning disable CA1031 // a warm-up that fails costs the first requests some time, never the start
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogWarmUpFailed(logger, ex);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private V1.CheckRequest Order(V1.Stage stage, int round, Core.Knowledge.KbItem[] items)
    {
        var now = clock.GetUtcNow();
        var request = new V1.CheckRequest
        {
            RequestId = $"warm-up-{round}-{stage}",
            Stage = stage,
            Patient = new V1.Patient { Id = $"warm-up-{round}", Sex = V1.Sex.Female, BirthDate = new Google.Type.Date { Year = 1980, Month = 6, Day = 1 } },
            Encounter = new V1.Encounter { Id = $"warm-up-{round}-{stage}", Kind = V1.EncounterKind.Outpatient, HospitalId = "warm-up", HospitalLevel = 2, DiagnosisCodes = { "J06.9" } },
        };
        for (var i = 0; i < items.Length; i++)
        {
            request.Lines.Add(new V1.OrderLine
            {
                LineId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ItemCode = items[i].Code,
                ItemKind = (V1.ItemKind)(int)items[i].Kind!.Value,
                Quantity = 1,
                UnitPriceFen = 100,
                AmountFen = 100,
                DailyDose = 1,
                DaysOfSupply = 1,
                OrderedAt = Timestamp.FromDateTimeOffset(now),
            });
        }

        return request;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit warm-up failed; the first requests compile the path themselves")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    private sealed class NoLog : IDecisionLog
    {
        public void Append(Decision decision)
        {
        }

        public void Append(Feedback feedback)
        {
        }
    }
}
