using System.Text.Json;
using System.Text.Json.Serialization;
using SmartAudit.Core.Cases;

namespace SmartAudit.Redis.Cases;

/// <summary>
/// The Lua scripts of the case store. Each changes a case and writes its entry on the change feed in one
/// atomic step, so no instance can see a change the feed does not announce. All keys carry <c>{cases}</c>.
/// </summary>
internal static class CaseScripts
{
    /// <summary>Entry field: what changed (<see cref="Added"/>, <see cref="Decided"/>, <see cref="Reset"/>).</summary>
    public const string KindField = "k";

    /// <summary>Entry field: the case that changed (empty for a reset).</summary>
    public const string CaseField = "c";

    public const string Added = "add";
    public const string Decided = "decide";
    public const string Reset = "reset";

    /// <summary>
    /// KEYS: record, queue, changes. ARGV: case id, record JSON, row JSON, feed length.
    /// Returns 1 when added, 0 when the case was there already (nothing is changed then).
    /// </summary>
    public const string Add = """
        if not redis.call('SET', KEYS[1], ARGV[2], 'NX') then
          return 0
        end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'k', 'add', 'c', ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: record, decisions, changes. ARGV: case id, sequence, decision JSON, feed length.
    /// Returns {1, count} when appended; {0, count} when the sequence is not count + 1 (nothing written); {-1, 0} when there is no such case.
    /// </summary>
    public const string Append = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return {-1, 0}
        end
        local count = redis.call('LLEN', KEYS[2])
        if tonumber(ARGV[2]) ~= count + 1 then
          return {0, count}
        end
        redis.call('RPUSH', KEYS[2], ARGV[3])
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'k', 'decide', 'c', ARGV[1])
        return {1, count + 1}
        """;

    /// <summary>KEYS: queue, then record and decisions of each case. ARGV: the case ids. Removes those cases whole.</summary>
    public const string Remove = """
        for i, id in ipairs(ARGV) do
          redis.call('DEL', KEYS[2 * i], KEYS[2 * i + 1])
          redis.call('HDEL', KEYS[1], id)
        end
        return #ARGV
        """;

    /// <summary>KEYS: changes. ARGV: feed length. Tells every instance to empty its view and load it again; returns the entry's id.</summary>
    public const string AnnounceReset = """
        return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'k', 'reset', 'c', '')
        """;
}

/// <summary>
/// The queue row as stored in the queue hash: the case as flagged, with no decision. Each instance folds the
/// case's decisions into it (<see cref="WithState"/>), which gives the row <see cref="CaseSummary.From"/> gives.
/// </summary>
internal static class CaseRows
{
    public static byte[] ToUtf8(CaseSummary row) => JsonSerializer.SerializeToUtf8Bytes(row, CaseRowJsonContext.Default.CaseSummary);

    public static CaseSummary Read(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, CaseRowJsonContext.Default.CaseSummary) ?? throw new JsonException("a case row is null");

    /// <summary>The flagged row with the state its decisions give.</summary>
    public static CaseSummary WithState(CaseSummary flagged, CaseState state) => flagged with
    {
        Status = state.Status,
        AssignedTo = state.AssignedTo,
        DeductFen = state.DeductFen,
        UpdatedAt = state.UpdatedAt,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(CaseSummary))]
internal sealed partial class CaseRowJsonContext : JsonSerializerContext;
