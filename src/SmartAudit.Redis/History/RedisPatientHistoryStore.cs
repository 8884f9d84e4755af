using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
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
    }

    public async ValueTask<PatientHistory> GetAsync(string patientId, CancellationToken cancellationToken)
    {
        var fields = await WithinBudgetAsync(_redis.GetDatabase().HashGetAllAsync(_keys.History(patientId)), "read", cancellationToken);
        return fields.Length == 0 ? PatientHistory.Empty : Decode(fields, _options);
    }

    public async ValueTask RecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await WithinBudgetAsync(Record(RecordScript, entry), "write", cancellationToken);
    }

    /// <summary>One script: the history as it stood, then the encounter recorded; one budget for both.</summary>
    public async ValueTask<HistoryExchange> ReadAndRecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            var before = await WithinBudgetAsync(Record(ReadAndRecordScript, entry), "read-write", cancellationToken);
            return new HistoryExchange(ToHistory((RedisResult[])before!), null, null);
        }
        catch (HistoryUnavailableException ex)
        {
            return HistoryExchange.Failed(ex.Message);
        }
    }

    private Task<RedisResult> Record(string script, HistoryEntry entry)
    {
        var encounter = entry.Encounter;
        var stored = JsonSerializer.SerializeToUtf8Bytes(StoredEntry.From(entry, _clock.GetUtcNow().UtcTicks), HistoryJsonContext.Default.StoredEntry);
        var day = (encounter.EndDate ?? encounter.StartDate).DayNumber;
        return _redis.GetDatabase().ScriptEvaluateAsync(script,
            [_keys.History(entry.PatientId), _keys.HistoryOrder(entry.PatientId)],
            [encounter.EncounterId, stored, entry.Lines.Count, day, _options.MaxEncounters, _options.MaxLines, _ttlSeconds]);
    }

    /// <summary>An HGETALL reply returned by a script (field, value, field, value…) as the history.</summary>
    private PatientHistory ToHistory(RedisResult[] reply)
    {
        if (reply.Length == 0)
        {
            return PatientHistory.Empty;
        }

        var fields = new HashEntry[reply.Length / 2];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new HashEntry((RedisValue)reply[2 * i], (RedisValue)reply[(2 * i) + 1]);
        }

        return Decode(fields, _options);
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
