using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartAudit.Cli.Kafka;
using SmartAudit.Cli.Store;
using SmartAudit.Core.Cases;
using SmartAudit.Kafka.Cases;
using SmartAudit.Redis;
using SmartAudit.Redis.Cases;

namespace SmartAudit.Cli.Cases;

/// <summary>
/// <c>smartaudit cases rebuild</c>: the fraud team's working view made again from the record of truth, the three
/// topics read from the beginning. With <c>--redis</c> the shared Redis view is cleared and rebuilt (every workbench
/// instance reloads it); without, the rebuild runs in memory and only says what it would hold.
/// </summary>
internal sealed class RebuildCasesCommand : Command
{
    public override string Group => "cases";

    public override string Name => "rebuild";

    public override string Arguments => "[--kafka <servers>] [--redis <url>]";

    public override string Summary => "Rebuild the fraud team's case view from the cases, decisions and case-decisions topics.";

    public override string Details => $"""
        --redis         the workbench's Redis (redis://[:password@]host:port[/db] or a StackExchange.Redis
                        string): its cases are removed and rebuilt, and every workbench instance reloads
                        them. Key prefix: Redis__KeyPrefix, else 'smartaudit:'. Without --redis the rebuild
                        runs in memory and prints what the view would hold; nothing is written.
        {CaseSources.KafkaUsage}
        Exit codes: 0 rebuilt; 1 a topic could not be read or the store failed midway (run it again);
        2 usage, or Redis unreachable.

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? bootstrap = null, redisUrl = null;
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--kafka" or "--bootstrap" when hasValue: bootstrap = args[++i]; break;
                case "--redis" when hasValue: redisUrl = args[++i]; break;
                default: return UsageError(stderr, $"unexpected or incomplete '{args[i]}'");
            }
        }

        if (KafkaSettings.Load(bootstrap, stderr) is not { } kafka || CaseSources.LoadIntake(stderr) is not { } intake)
        {
            return ExitCodes.Usage;
        }

        // A console tool has no synchronization context: waiting here cannot deadlock.
        return redisUrl is null
            ? RunInMemoryAsync(kafka, intake, stdout, stderr).GetAwaiter().GetResult()
            : RunInRedisAsync(kafka, intake, redisUrl, stdout, stderr).GetAwaiter().GetResult();
    }

    private static async Task<int> RunInMemoryAsync(SmartAudit.Kafka.KafkaOptions kafka, CaseIntakeOptions intake, TextWriter stdout, TextWriter stderr)
    {
        var store = new InMemoryCaseStore();
        if (await CaseSources.RebuildAsync(kafka, intake, store, stderr) is not { } report)
        {
            return ExitCodes.Problems;
        }

        Write(stdout, stderr, report, kafka, intake, await store.StatsAsync(new CaseQuery { Status = StatusFilter.All }));
        stdout.WriteLine("rebuilt in memory only: nothing was written (give --redis to rebuild the workbench's view)");
        return ExitCodes.Success;
    }

    private static async Task<int> RunInRedisAsync(SmartAudit.Kafka.KafkaOptions kafka, CaseIntakeOptions intake, string redisUrl, TextWriter stdout, TextWriter stderr)
    {
        var options = new RedisOptions
        {
            Configuration = redisUrl,
            KeyPrefix = Environment.GetEnvironmentVariable("Redis__KeyPrefix") ?? "smartaudit:",
            ConnectTimeout = TimeSpan.FromSeconds(5),
            OperationTimeout = TimeSpan.FromSeconds(30),
        };
        var (redis, where) = await CliRedis.ConnectAsync(options, stderr);
        if (redis is null)
        {
            return ExitCodes.Usage;
        }

        await using (redis)
        {
            await using var store = new RedisCaseStore(redis, new RedisKeys(options.KeyPrefix), Options.Create(options), NullLogger<RedisCaseStore>.Instance);
            await store.StartAsync(CancellationToken.None);
            try
            {
                if (await CaseSources.RebuildAsync(kafka, intake, store, stderr) is not { } report)
                {
                    return ExitCodes.Problems;
                }

                Write(stdout, stderr, report, kafka, intake, await store.StatsAsync(new CaseQuery { Status = StatusFilter.All }));
            }
            catch (CaseStoreUnavailableException ex)
            {
                stderr.WriteLine($"{CommandLine.ToolName}: Redis at {where} failed during the rebuild ({ex.Message}); the view is incomplete: run the rebuild again");
                return ExitCodes.Problems;
            }

            stdout.WriteLine($"rebuilt the workbench's view in Redis at {where} (key prefix {options.KeyPrefix}); every workbench instance reloads it");
            return ExitCodes.Success;
        }
    }

    private static void Write(TextWriter stdout, TextWriter stderr, CaseRebuildReport report, SmartAudit.Kafka.KafkaOptions kafka, CaseIntakeOptions intake, CaseStats stats)
    {
        var outcomes = report.Outcomes;
        stdout.WriteLine($"read {report.CaseRecords:N0} records from {intake.CasesTopic}, {report.DecisionRecords:N0} from {kafka.DecisionsTopic}, "
            + $"{report.CaseDecisionRecords:N0} from {kafka.CaseDecisionsTopic} ({report.Unreadable:N0} unreadable, skipped)");
        stdout.WriteLine($"cases: {report.Cases:N0} ({outcomes[CaseReplayOutcome.AlreadyPresent]:N0} read again, "
            + $"{outcomes[CaseReplayOutcome.NotACase]:N0} audit decisions raise no case)");
        stdout.WriteLine($"decisions: {outcomes[CaseReplayOutcome.Appended]:N0} applied, {outcomes[CaseReplayOutcome.Duplicate]:N0} duplicates skipped, "
            + $"{report.DecisionsLeftOut:N0} left out");
        stdout.WriteLine("queue: " + string.Join(", ", stats.ByStatus.Where(s => s.Value > 0).Select(s => $"{s.Value:N0} {Describe(s.Key)}")));
        if (report.DecisionsLeftOut > 0)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: warning: {outcomes[CaseReplayOutcome.CaseMissing]:N0} decisions name a case no topic has (retention?), "
                + $"{outcomes[CaseReplayOutcome.OutOfOrder]:N0} come after a missing one, {outcomes[CaseReplayOutcome.Conflicting]:N0} conflict with an earlier one at their sequence");
        }
    }

    private static string Describe(CaseStatus status) => status switch
    {
        CaseStatus.AwaitingFirstReview => "awaiting first review",
        CaseStatus.AwaitingSecondReview => "awaiting second review",
        CaseStatus.NeedsInformation => "needing information",
        CaseStatus.Confirmed => "confirmed",
        _ => "false positive",
    };
}
