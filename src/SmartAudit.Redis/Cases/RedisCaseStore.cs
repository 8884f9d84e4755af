using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using StackExchange.Redis;

namespace SmartAudit.Redis.Cases;

/// <summary>
/// The workbench's case store in Redis, shared by every workbench instance. Each case is its record (a string,
/// written once with <c>SET NX</c>), its decisions (a list, appended to by a script that checks the sequence
/// is the next one, so a decision is never overwritten), and its queue row as flagged (a field of one hash).
/// Each write also adds an entry to a change feed (a Redis stream) in the same script.
/// <para>
/// Queries never scan Redis: each instance keeps a <see cref="CaseIndex"/>, loaded at start (the queue hash
/// and the decision lists, in pipelined batches) and kept current by reading the change feed every
/// <see cref="RedisOptions.CaseFeedPollInterval"/>, so a decision taken on one instance shows on the others'
/// queues within about that long. Reading a case (<see cref="GetAsync"/>) always goes to Redis.
/// </para>
/// <para>
/// While Redis is down every call fails at once with <see cref="CaseStoreUnavailableException"/> (commands
/// are not queued), queries too: the workbench says so rather than showing a queue it cannot vouch for. The
/// shared multiplexer reconnects by itself, and the instance loads every case again before answering.
/// </para>
/// </summary>
public sealed partial class RedisCaseStore : ICaseStore
{
    private const int Batch = 500;
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly RedisOptions _options;
    private readonly ILogger<RedisCaseStore> _logger;
    private readonly CaseView _view = new();

    public RedisCaseStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<RedisOptions> options, ILogger<RedisCaseStore> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = keys;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<bool> AddAsync(CaseRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var row = CaseSummary.From(record, CaseState.New);
        var generation = _view.Generation;
        var result = await GuardAsync(() => Database.ScriptEvaluateAsync(CaseScripts.Add,
            [_keys.Case(record.CaseId), _keys.CaseQueue, _keys.CaseChanges],
            [record.CaseId, CaseJsonContext.ToUtf8(record), CaseRows.ToUtf8(row), _options.CaseFeedLength]), cancellationToken);
        var added = (int)result == 1;
        if (added)
        {
            _view.Apply(row, 0, generation);
        }

        return added;
    }

    public async Task<CaseFile?> GetAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        var (json, list) = await GuardAsync(async () =>
        {
            var batch = Database.CreateBatch();
            var record = batch.StringGetAsync(_keys.Case(caseId));
            var decisions = batch.ListRangeAsync(_keys.CaseDecisions(caseId));
            batch.Execute();
            return (await record, await decisions);
        }, cancellationToken);
        return json.IsNull ? null : new CaseFile(CaseJsonContext.ReadCase(((ReadOnlyMemory<byte>)json).Span), ReadDecisions(list));
    }

    public async Task AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var result = (RedisResult[])(await GuardAsync(() => Database.ScriptEvaluateAsync(CaseScripts.Append,
            [_keys.Case(decision.CaseId), _keys.CaseDecisions(decision.CaseId), _keys.CaseChanges],
            [decision.CaseId, decision.Sequence, CaseJsonContext.ToUtf8(decision), _options.CaseFeedLength]), cancellationToken))!;
        var outcome = (int)result[0];
        var count = (int)result[1];
        if (outcome < 0)
        {
            throw new CaseConflictException($"no case {decision.CaseId}");
        }

        if (outcome == 0)
        {
            throw new CaseConflictException(string.Create(CultureInfo.InvariantCulture,
                $"case {decision.CaseId} has {count} decision(s); decision {decision.Sequence} cannot be written"));
        }

        // Read-your-writes on this instance; the feed brings the same change to the others (and to this one again).
        await RefreshAsync([decision.CaseId], cancellationToken);
    }

    public async Task<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureCurrentAsync(cancellationToken);
        return _view.Index.Query(query);
    }

    public async Task<CaseStats> StatsAsync(CaseQuery filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await EnsureCurrentAsync(cancellationToken);
        return _view.Index.Stats(filter);
    }

    /// <summary>
    /// Removes every case, a batch at a time (each batch one script, so no case is left half removed), then
    /// announces a reset on the feed so every instance empties its view and loads again.
    /// </summary>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        var db = Database;
        while (await GuardAsync(() => db.HashLengthAsync(_keys.CaseQueue), cancellationToken) > 0)
        {
            var ids = await GuardAsync(() => db.HashKeysAsync(_keys.CaseQueue), cancellationToken);
            foreach (var chunk in ids.Chunk(Batch))
            {
                var keys = new RedisKey[1 + (2 * chunk.Length)];
                keys[0] = _keys.CaseQueue;
                for (var i = 0; i < chunk.Length; i++)
                {
                    keys[1 + (2 * i)] = _keys.Case((string)chunk[i]!);
                    keys[2 + (2 * i)] = _keys.CaseDecisions((string)chunk[i]!);
                }

                await GuardAsync(() => db.ScriptEvaluateAsync(CaseScripts.Remove, keys, chunk), cancellationToken);
            }
        }

        var reset = await GuardAsync(() => db.ScriptEvaluateAsync(CaseScripts.AnnounceReset, [_keys.CaseChanges], [_options.CaseFeedLength]), cancellationToken);
        _view.Reset(); // rows of removed cases read before this are dropped too (an older generation)
        _ownReset = (string?)reset;
        LogCleared(_logger);
    }

    private IDatabase Database => _redis.GetDatabase();

    /// <summary>Reads the rows of <paramref name="caseIds"/> and their decisions (one pipelined batch) and puts them in the view.</summary>
    private async Task RefreshAsync(IReadOnlyList<string> caseIds, CancellationToken cancellationToken)
    {
        for (var start = 0; start < caseIds.Count; start += Batch)
        {
            var generation = _view.Generation;
            var ids = caseIds.Skip(start).Take(Batch).ToArray();
            var (found, all) = await GuardAsync(async () =>
            {
                var batch = Database.CreateBatch();
                var rows = batch.HashGetAsync(_keys.CaseQueue, [.. ids.Select(id => (RedisValue)id)]);
                var decisions = ids.Select(id => batch.ListRangeAsync(_keys.CaseDecisions(id))).ToArray();
                batch.Execute();
                return (await rows, await Task.WhenAll(decisions));
            }, cancellationToken);
            var unreadable = 0;
            for (var i = 0; i < ids.Length; i++)
            {
                try
                {
                    if (!found[i].IsNull)
                    {
                        Apply(found[i], all[i], generation);
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                    unreadable++;
                }
            }

            if (unreadable > 0)
            {
                LogUnreadable(_logger, unreadable);
            }
        }
    }

    /// <summary>Folds a case's decisions into its flagged row and puts the row in the view.</summary>
    private CaseSummary Apply(RedisValue row, RedisValue[] decisions, long generation)
    {
        var state = CaseState.Fold(ReadDecisions(decisions));
        var summary = CaseRows.WithState(CaseRows.Read(((ReadOnlyMemory<byte>)row).Span), state);
        _view.Apply(summary, decisions.Length, generation);
        return summary;
    }

    private static CaseDecision[] ReadDecisions(RedisValue[] list)
    {
        var decisions = new CaseDecision[list.Length];
        for (var i = 0; i < list.Length; i++)
        {
            decisions[i] = CaseJsonContext.ReadDecision(((ReadOnlyMemory<byte>)list[i]).Span);
        }

        return decisions;
    }

    /// <summary>
    /// Sends commands and waits for them within <see cref="RedisOptions.OperationTimeout"/>; an outage (whether
    /// the client refuses at once or the command fails later), a refusal by the server, or a timeout becomes
    /// <see cref="CaseStoreUnavailableException"/>.
    /// </summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> send, CancellationToken cancellationToken)
    {
        Task<T>? command = null;
        try
        {
            command = send();
            return await command.WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (TimeoutException) when (command is not null)
        {
            Observe(command);
            throw new CaseStoreUnavailableException(string.Create(CultureInfo.InvariantCulture,
                $"case store did not answer within {_options.OperationTimeout.TotalSeconds:0.###} s"));
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            // Down, too slow, or up but not serving (LOADING after a restart, READONLY after a failover, OOM).
            throw Unavailable(ex);
        }
    }

    private static CaseStoreUnavailableException Unavailable(Exception ex) => new("case store unreachable: " + RedisErrors.Brief(ex), ex);

    /// <summary>A command given up on still completes later: observe its fault so it is not reported as unobserved.</summary>
    private static void Observe(Task command) =>
        command.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Case store: every case removed (a rebuild); every instance reloads")]
    private static partial void LogCleared(ILogger logger);
}
