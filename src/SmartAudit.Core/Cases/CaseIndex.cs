namespace SmartAudit.Core.Cases;

/// <summary>
/// The queue's in-memory index: every case's <see cref="CaseSummary"/>, kept in risk order (riskiest, then most
/// money flagged, then newest first) in a balanced tree, so a new case costs O(log n) and a page is one ordered
/// scan that also counts the matches: a few milliseconds at 100,000 cases. A decision replaces a row in place;
/// a case's place in the order never changes, because risk comes from the flag, not from the review.
/// Thread-safe; both case stores keep one.
/// </summary>
public sealed class CaseIndex
{
    private readonly Lock gate = new();
    private readonly SortedSet<Slot> ordered = new(SlotOrder.Instance);
    private readonly Dictionary<string, Slot> byId = new(StringComparer.Ordinal);
    private Slot[]? inOrder; // the tree flattened for scans; dropped when a case is added, kept when one is decided

    private Slot[] InOrder => inOrder ??= [.. ordered];

    public int Count
    {
        get
        {
            lock (gate)
            {
                return byId.Count;
            }
        }
    }

    /// <summary>Adds the row, or replaces the row of the same case.</summary>
    public void Upsert(CaseSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        lock (gate)
        {
            if (byId.TryGetValue(summary.CaseId, out var slot))
            {
                if (SlotOrder.SameKey(slot, summary))
                {
                    slot.Current = summary;
                    return;
                }

                ordered.Remove(slot);
            }

            slot = new Slot(summary);
            byId[summary.CaseId] = slot;
            ordered.Add(slot);
            inOrder = null;
        }
    }

    public CaseSummary? Get(string caseId)
    {
        lock (gate)
        {
            return byId.TryGetValue(caseId, out var slot) ? slot.Current : null;
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            ordered.Clear();
            byId.Clear();
            inOrder = null;
        }
    }

    public CasePage Query(CaseQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.PageSize, 1, CaseQuery.MaxPageSize);
        var page = Math.Max(1, query.Page);
        var skip = (long)(page - 1) * size;
        var items = new List<CaseSummary>(size);
        var total = 0;
        lock (gate)
        {
            foreach (var slot in InOrder)
            {
                var row = slot.Current;
                if (!query.Matches(row))
                {
                    continue;
                }

                if (total >= skip && items.Count < size)
                {
                    items.Add(row);
                }

                total++;
            }
        }

        return new CasePage(items, total, page, size);
    }

    /// <summary>Every row the filter selects, in queue order (for the CSV export; paging ignored).</summary>
    public IReadOnlyList<CaseSummary> All(CaseQuery filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (gate)
        {
            return [.. InOrder.Select(s => s.Current).Where(filter.Matches)];
        }
    }

    public CaseStats Stats(CaseQuery filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var byStatus = Enum.GetValues<CaseStatus>().ToDictionary(s => s, _ => 0);
        var byRule = new Dictionary<string, int>(StringComparer.Ordinal);
        var perDay = new Dictionary<DateOnly, int>();
        long confirmed = 0, flagged = 0;
        var total = 0;
        lock (gate)
        {
            foreach (var slot in InOrder)
            {
                var row = slot.Current;
                if (!filter.Matches(row))
                {
                    continue;
                }

                total++;
                byStatus[row.Status]++;
                confirmed = row.Status == CaseStatus.Confirmed ? Fen.AddSaturating(confirmed, row.DeductFen) : confirmed;
                flagged = Fen.AddSaturating(flagged, row.FlaggedAmountFen); // unchecked += wrapped to a negative total
                foreach (var rule in row.RuleIds)
                {
                    byRule[rule] = byRule.GetValueOrDefault(rule) + 1;
                }

                var day = row.FlaggedOn;
                perDay[day] = perDay.GetValueOrDefault(day) + 1;
            }
        }

        return new CaseStats(total, byStatus, [.. byRule.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)],
            confirmed, flagged, [.. perDay.OrderBy(d => d.Key)]);
    }

    private sealed class Slot(CaseSummary summary)
    {
        public int Risk { get; } = summary.Risk;
        public long Amount { get; } = summary.FlaggedAmountFen;
        public DateTimeOffset FlaggedAt { get; } = summary.FlaggedAt;
        public string CaseId { get; } = summary.CaseId;
        public CaseSummary Current { get; set; } = summary;
    }

    private sealed class SlotOrder : IComparer<Slot>
    {
        public static readonly SlotOrder Instance = new();

        public static bool SameKey(Slot slot, CaseSummary row) =>
            slot.Risk == row.Risk && slot.Amount == row.FlaggedAmountFen && slot.FlaggedAt == row.FlaggedAt;

        public int Compare(Slot? x, Slot? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var c = y.Risk.CompareTo(x.Risk);
            if (c == 0)
            {
                c = y.Amount.CompareTo(x.Amount);
            }

            if (c == 0)
            {
                c = y.FlaggedAt.CompareTo(x.FlaggedAt);
            }

            return c != 0 ? c : string.CompareOrdinal(x.CaseId, y.CaseId);
        }
    }
}
