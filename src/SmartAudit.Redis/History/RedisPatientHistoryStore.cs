using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Audit;
using SmartAudit.Core.History;
using StackExchange.Redis;

namespace SmartAudit.Redis.History;

/// <summary>
/// Patient history in Redis, shared by every server instance. One hash per patient holds one field per
/// encounter (the encounter and its lines), so a request reads the whole history with one command
/// (HGETALL) and records a settled encounter with one script, never a command per rule or per line.
/// Recording an encounter again replaces its field. Memory stays flat: the script keeps at most the
/// newest <see cref="HistoryOptions.MaxEncounters"/> encounters plus older ones only while their lines are
/// within <see cref="HistoryOptions.MaxLines"/>, and each patient's keys expire
/// <see cref="HistoryOptions.RetentionDays"/> after the last write. Reads apply the same retention and caps
/// as every store (<see cref="HistoryTrimming.Trim"/>).
/// </summary>
/// <remarks>
/// Every call is bounded by <see cref="RedisOptions.HistoryTimeout"/>; while Redis is disconnected it fails
/// at once. Either way it throws <see cref="HistoryUnavailableException"/> and the request goes on without
/// the history rules. The shared multiplexer reconnects by itself, and the next request uses Redis again.
/// </remarks>
public sealed class RedisPatientHistoryStore : IPatientHistoryStore
{
    // KEYS: patient hash, order zset. ARGV: encounter id, entry, line count, score (day number),
    // max encounters, max lines, ttl seconds.
    private const string RecordBody = """
        redis.call('HSET', KEYS[1], 'e:' .. ARGV[1], ARGV[2], 'n:' .. ARGV[1], ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
        local maxEncounters = tonumber(ARGV[5])
        local maxLines = tonumber(ARGV[6])
        if redis.call('ZCARD', KEYS[2]) > maxEncounters then
          local ids = redis.call('ZREVRANGE', KEYS[2], 0, -1)
          local lines = 0
          for i, id in ipairs(ids) do
            if i > maxEncounters and lines >= maxLines then
              redis.call('HDEL', KEYS[1], 'e:' .. id, 'n:' .. id)
              redis.call('ZREM', KEYS[2], id)
            else
              lines = lines + tonumber(redis.call('HGET', KEYS[1], 'n:' .. id) or '0')
            end
          end
        end
        redis.call('EXPIRE', KEYS[1], ARGV[7])
        redis.call('EXPIRE', KEYS[2], ARGV[7])

        """;

    private const string RecordScript = RecordBody + "return 1";

    // The same, after reading the patient's hash as it was: a settled request's read and write in one round trip.
    private const string ReadAndRecordScript = "local before = redis.call('HGETALL', KEYS[1])\n" + RecordBody + "return before";

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly HistoryOptions _options;
    private readonly TimeSpan _timeout;
    private readonly long _ttlSeconds;
    private readonly TimeProvider _clock;
    private readonly string _timedOut;
    private readonly Counter<long> _unavailable;
    private readonly Counter<long> _dropped;
    private readonly TimeSpan _replayTimeout;
    private long _droppedTotal;

    public RedisPatientHistoryStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<RedisOptions> redisOptions,
        IOptions<HistoryOptions> historyOptions, TimeProvider clock, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(redisOptions);
        ArgumentNullException.ThrowIfNull(historyOptions);
        ArgumentNullException.ThrowIfNull(meters);
        _redis = redis;
        _keys = keys;
        _options = historyOptions.Value;
        _timeout = redisOptions.Value.HistoryTimeout;
        _ttlSeconds = (long)TimeSpan.FromDays(_options.RetentionDays).TotalSeconds;
        _clock = clock;
        _timedOut = $"history store did not answer within {_timeout.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms";
        _unavailable = meters.Create(RedisMetrics.MeterName).CreateCounter<long>("smartaudit.history.unavailable",
            description: "History reads and writes that could not be served (Redis down or too slow), by operation");
        _dropped = meters.Create(RedisMetrics.MeterName).CreateCounter<long>("smartaudit.history.backlog.dropped",
            description: "Encounters that could not be written to Redis and found the backlog full: later answers may miss them");
        Backlog = new HistoryBacklog(redisOptions.Value.HistoryBacklogLimit);
        _replayTimeout = redisOptions.Value.HistoryTimeout * 10;
    }

    /// <summary>Encounters answered while Redis could not take them, waiting to be written back.</summary>
    internal HistoryBacklog Backlog { get; }

    /// <summary>Encounters that found the backlog full since start: later answers for those patients may miss them.</summary>
    public long DroppedEncounters => Interlocked.Read(ref _droppedTotal);

    /// <summary>Whether the multiplexer is connected to Redis now.</summary>
    public bool Connected => _redis.IsConnected;

    public async ValueTask<PatientHistory> GetAsync(string patientId, CancellationToken cancellationToken)
    {
        var fields = Backlog.Merge(patientId, await WithinBudgetAsync(_redis.GetDatabase().HashGetAllAsync(_keys.History(patientId)), "read", cancellationToken));
        return fields.Length == 0 ? PatientHistory.Empty : Decode(fields, _options);
    }

    public async ValueTask RecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pending = Pending(entry);
        try
        {
            await WithinBudgetAsync(Record(RecordScript, entry.PatientId, entry.Encounter.EncounterId, pending), "write", cancellationToken);
            Backlog.Written(entry.PatientId, entry.Encounter.EncounterId);
        }
        catch (HistoryUnavailableException)
        {
            KeepForLater(entry, pending);
            throw;
        }
    }

    /// <summary>
    /// One round trip of each kind a request makes, on a patient key of the server's own that is deleted after:
    /// so that the connection, Redis's script cache and this code path are warm before the first request, whose
    /// 20 ms budget a cold first round trip overran. Throws what the round trips throw.
    /// </summary>
    internal async Task WarmUpAsync(string patientId, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var entry = new HistoryEntry(patientId, new HistoryEncounter("warm-up", EncounterKind.Outpatient, "warm-up", "warm-up", day, null, []),
            [new HistoryLine("warm-up", "warm-up", "warm-up", "warm-up", day, 1, 1)]);
        try
        {
            for (var round = 0; round < 3; round++)
            {
                var pending = Pending(entry);
                ToHistory(patientId, (RedisResult[])(await Record(ReadAndRecordScript, patientId, "warm-up", pending).WaitAsync(cancellationToken))!);
                await Record(RecordScript, patientId, "warm-up", pending).WaitAsync(cancellationToken);
                await GetAsync(patientId, cancellationToken);
            }
        }
        finally
        {
            await _redis.GetDatabase().KeyDeleteAsync([_keys.History(patientId), _keys.HistoryOrder(patientId)]);
        }
    }

    /// <summary>
    /// Writes back what the backlog holds, encounter by encounter, until Redis fails again (then the rest waits for
    /// the next round). Returns how many were written. A write is idempotent (the encounter's field is replaced),
    /// so one that timed out but landed after all is harmless to write again.
    /// </summary>
    public async Task<int> ReplayBacklogAsync(CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var (patient, encounter, pending) in Backlog.Waiting())
        {
            try
            {
                await Record(RecordScript, patient, encounter, pending).WaitAsync(_replayTimeout, cancellationToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return written;
            }

            Backlog.Written(patient, encounter, pending);
            written++;
        }

        return written;
    }

    /// <summary>One script: the history as it stood, then the encounter recorded; one budget for both.</summary>
    public async ValueTask<HistoryExchange> ReadAndRecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pending = Pending(entry);
        try
        {
            var before = await WithinBudgetAsync(Record(ReadAndRecordScript, entry.PatientId, entry.Encounter.EncounterId, pending), "read-write", cancellationToken);
            Backlog.Written(entry.PatientId, entry.Encounter.EncounterId);
            return new HistoryExchange(ToHistory(entry.PatientId, (RedisResult[])before!), null, null);
        }
        catch (HistoryUnavailableException ex)
        {
            KeepForLater(entry, pending);
            return HistoryExchange.Failed(ex.Message);
        }
    }

    private PendingEncounter Pending(HistoryEntry entry)
    {
        var encounter = entry.Encounter;
        var stored = JsonSerializer.SerializeToUtf8Bytes(StoredEntry.From(entry, _clock.GetUtcNow().UtcTicks), HistoryJsonContext.Default.StoredEntry);
        return new PendingEncounter(stored, entry.Lines.Count, (encounter.EndDate ?? encounter.StartDate).DayNumber);
    }

    private void KeepForLater(HistoryEntry entry, PendingEncounter pending)
    {
        if (!Backlog.TryAdd(entry.PatientId, entry.Encounter.EncounterId, pending))
        {
            _dropped.Add(1);
            Interlocked.Increment(ref _droppedTotal);
        }
    }

    private Task<RedisResult> Record(string script, string patientId, string encounterId, PendingEncounter pending) =>
        _redis.GetDatabase().ScriptEvaluateAsync(script,
            [_keys.History(patientId), _keys.HistoryOrder(patientId)],
            [encounterId, pending.Stored, pending.LineCount, pending.Day, _options.MaxEncounters, _options.MaxLines, _ttlSeconds]);

    /// <summary>An HGETALL reply returned by a script (field, value, field, value…) as the history.</summary>
    private PatientHistory ToHistory(string patientId, RedisResult[] reply)
    {
        var fields = new HashEntry[reply.Length / 2];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new HashEntry((RedisValue)reply[2 * i], (RedisValue)reply[(2 * i) + 1]);
        }

        fields = Backlog.Merge(patientId, fields);
        return fields.Length == 0 ? PatientHistory.Empty : Decode(fields, _options);
    }

    /// <summary>Turns the patient hash into the history: entries newest write first, then the common trimming.</summary>
    internal static PatientHistory Decode(HashEntry[] fields, HistoryOptions options)
    {
        var entries = new List<(string Id, StoredEntry Entry)>(fields.Length / 2);
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name.StartsWith("e:", StringComparison.Ordinal))
            {
                var entry = JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)field.Value).Span, HistoryJsonContext.Default.StoredEntry);
                if (entry is not null)
                {
                    entries.Add((name[2..], entry));
                }
            }
        }

        entries.Sort((a, b) => b.Entry.WrittenAt.CompareTo(a.Entry.WrittenAt));
        var encounters = new List<HistoryEncounter>(entries.Count);
        var lines = new List<HistoryLine>();
        foreach (var (id, entry) in entries)
        {
            encounters.Add(entry.ToEncounter(id));
            entry.AddLines(id, lines);
        }

        return HistoryTrimming.Trim(encounters, lines, options);
    }

    private async ValueTask<T> WithinBudgetAsync<T>(Task<T> command, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await command.WaitAsync(_timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Observe(command);
            throw Unavailable(operation, _timedOut);
        }
        catch (RedisException ex)
        {
            throw Unavailable(operation, "history store unreachable: " + RedisErrors.Brief(ex));
        }
    }

    private HistoryUnavailableException Unavailable(string operation, string reason)
    {
        _unavailable.Add(1, new KeyValuePair<string, object?>("operation", operation));
        return new HistoryUnavailableException(reason);
    }

    /// <summary>A command given up on still completes later: observe its fault so it is not reported as unobserved.</summary>
    private static void Observe(Task command) =>
        command.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
