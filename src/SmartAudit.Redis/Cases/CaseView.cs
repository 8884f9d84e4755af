using SmartAudit.Core.Cases;

namespace SmartAudit.Redis.Cases;

/// <summary>
/// One instance's copy of the queue: a <see cref="CaseIndex"/>, and for each case how many decisions its row
/// reflects, so that a row read from Redis before a newer one never replaces it (the instance's own writes and
/// the change feed both refresh rows, in no guaranteed order).
/// <para>
/// A full reload builds a new index from a snapshot and swaps it in whole; rows applied while the snapshot was
/// read are applied to the new index too, so the instance's own writes never disappear from its queue. A reset
/// (every case removed) empties the view at once and drops rows read before it (an older <see cref="Generation"/>).
/// </para>
/// </summary>
internal sealed class CaseView
{
    private readonly Lock _gate = new();
    private CaseIndex _index = new();
    private Dictionary<string, int> _versions = new(StringComparer.Ordinal);
    private List<(CaseSummary Row, int Version)>? _duringReload;
    private long _generation;

    /// <summary>The index queries read: a reference read, never a lock held across a query.</summary>
    public CaseIndex Index
    {
        get
        {
            lock (_gate)
            {
                return _index;
            }
        }
    }

    /// <summary>Changes on every reset; read it before reading from Redis and pass it to <see cref="Apply"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Puts a row in, unless the view already shows as many decisions or more, or was reset since the row was read.</summary>
    public void Apply(CaseSummary row, int version, long generation)
    {
        lock (_gate)
        {
            if (generation != _generation || (_versions.TryGetValue(row.CaseId, out var known) && known > version))
            {
                return;
            }

            _versions[row.CaseId] = version;
            _index.Upsert(row);
            _duringReload?.Add((row, version));
        }
    }

    /// <summary>A snapshot is about to be read: remember the rows applied from now on. Returns the generation to pass to <see cref="Replace"/>.</summary>
    public long BeginReload()
    {
        lock (_gate)
        {
            _duringReload = [];
            return _generation;
        }
    }

    /// <summary>
    /// Swaps in a view loaded whole, with the rows applied since <see cref="BeginReload"/> that are newer than the
    /// snapshot's. False (nothing swapped) when the view was reset meanwhile: the snapshot may hold removed cases.
    /// </summary>
    public bool Replace(CaseIndex index, Dictionary<string, int> versions, long generation)
    {
        lock (_gate)
        {
            var applied = _duringReload ?? [];
            _duringReload = null;
            if (generation != _generation)
            {
                return false;
            }

            foreach (var (row, version) in applied)
            {
                if (!versions.TryGetValue(row.CaseId, out var loaded) || loaded <= version)
                {
                    versions[row.CaseId] = version;
                    index.Upsert(row);
                }
            }

            _index = index;
            _versions = versions;
            return true;
        }
    }

    /// <summary>Empties the view: every case was removed.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _index = new CaseIndex();
            _versions = new Dictionary<string, int>(StringComparer.Ordinal);
            _duringReload = _duringReload is null ? null : [];
            Interlocked.Increment(ref _generation);
        }
    }
}
