using System.Diagnostics;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// What one worker has done, counted when a batch is committed (so a batch processed again after a crash
/// or a rebalance is counted where it was committed). Thread-safe to read while the worker runs.
/// </summary>
public sealed class AuditWorkerStats
{
    private long _claims;
    private long _cases;
    private long _rejected;
    private long _alreadyPublished;
    private long _batches;
    private long _retries;
    private long _firstClaimTimestamp;
    private long _lastCommitTimestamp;
    private long _lastActivityTimestamp;

    /// <summary>Claims whose offsets were committed: audited, with their output (if any) on the topics.</summary>
    public long Claims => Interlocked.Read(ref _claims);

    /// <summary>Cases published (flagged claims).</summary>
    public long Cases => Interlocked.Read(ref _cases);

    /// <summary>Claims published as rejected (not a claim, invalid fields).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Claims found already published by a worker that stopped before committing them, so not published again.</summary>
    public long AlreadyPublished => Interlocked.Read(ref _alreadyPublished);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Batches processed again because their output could not be published or their offsets committed.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>From the first claim consumed to the last commit.</summary>
    public TimeSpan Busy
    {
        get
        {
            var first = Interlocked.Read(ref _firstClaimTimestamp);
            var last = Interlocked.Read(ref _lastCommitTimestamp);
            return first == 0 || last <= first ? TimeSpan.Zero : Stopwatch.GetElapsedTime(first, last);
        }
    }

    /// <summary>Committed claims per minute of <see cref="Busy"/>.</summary>
    public double ClaimsPerMinute => Busy > TimeSpan.Zero ? Claims / Busy.TotalMinutes : 0;

    /// <summary>How long since the worker last consumed a claim or was given partitions; zero until it joined its group.</summary>
    public TimeSpan Idle => Interlocked.Read(ref _lastActivityTimestamp) is var last and > 0 ? Stopwatch.GetElapsedTime(last) : TimeSpan.Zero;

    internal void Consumed()
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstClaimTimestamp, now, 0);
        Interlocked.Exchange(ref _lastActivityTimestamp, now);
    }

    internal void Assigned() => Interlocked.Exchange(ref _lastActivityTimestamp, Stopwatch.GetTimestamp());

    internal void Committed(int claims, int cases, int rejected, int alreadyPublished)
    {
        Interlocked.Add(ref _claims, claims);
        Interlocked.Add(ref _cases, cases);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Add(ref _alreadyPublished, alreadyPublished);
        Interlocked.Increment(ref _batches);
        Interlocked.Exchange(ref _lastCommitTimestamp, Stopwatch.GetTimestamp());
    }

    internal void Retried() => Interlocked.Increment(ref _retries);

    internal long FirstClaimTimestamp => Interlocked.Read(ref _firstClaimTimestamp);

    internal long LastCommitTimestamp => Interlocked.Read(ref _lastCommitTimestamp);

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Claims:N0} claims audited ({Cases:N0} cases, {Rejected:N0} rejected, {AlreadyPublished:N0} already published) in {Busy.TotalSeconds:0.0} s: {ClaimsPerMinute:N0} claims/minute");
}

/// <summary>Several workers' figures together: claims over the span from the first claim any consumed to the last commit.</summary>
public sealed record AuditWorkerTotals(long Claims, long Cases, long Rejected, long AlreadyPublished, TimeSpan Busy)
{
    public double ClaimsPerMinute => Busy > TimeSpan.Zero ? Claims / Busy.TotalMinutes : 0;

    public static AuditWorkerTotals Of(IEnumerable<AuditWorkerStats> workers)
    {
        var all = workers.ToList();
        var firsts = all.Select(w => w.FirstClaimTimestamp).Where(t => t != 0).ToList();
        var lasts = all.Select(w => w.LastCommitTimestamp).Where(t => t != 0).ToList();
        var busy = firsts.Count == 0 || lasts.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(firsts.Min(), lasts.Max());
        return new AuditWorkerTotals(all.Sum(w => w.Claims), all.Sum(w => w.Cases), all.Sum(w => w.Rejected), all.Sum(w => w.AlreadyPublished),
            busy < TimeSpan.Zero ? TimeSpan.Zero : busy);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Claims:N0} claims audited ({Cases:N0} cases, {Rejected:N0} rejected, {AlreadyPublished:N0} already published) in {Busy.TotalSeconds:0.0} s: {ClaimsPerMinute:N0} claims/minute");
}
