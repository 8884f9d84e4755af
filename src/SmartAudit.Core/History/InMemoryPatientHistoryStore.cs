using System.Collections.Concurrent;

namespace SmartAudit.Core.History;

/// <summary>
/// The history store of the embedded default: one process, in memory. Each patient's history is an
/// immutable snapshot replaced whole on every write (copy on write), so reads never lock and never copy.
/// Bounded like the Redis store (retention, per-patient caps) and, in addition, by a patient count: past
/// <see cref="MaxPatients"/> the patients first written longest ago are dropped.
/// </summary>
public sealed class InMemoryPatientHistoryStore(HistoryOptions options, int maxPatients = InMemoryPatientHistoryStore.DefaultMaxPatients)
    : IPatientHistoryStore
{
    public const int DefaultMaxPatients = 200_000;

    private readonly ConcurrentDictionary<string, PatientHistory> _patients = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _arrivals = new();

    public int MaxPatients { get; } = maxPatients;

    /// <summary>Patients currently held.</summary>
    public int PatientCount => _patients.Count;

    public ValueTask<PatientHistory> GetAsync(string patientId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_patients.TryGetValue(patientId, out var history) ? history : PatientHistory.Empty);

    public ValueTask RecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_patients.TryGetValue(entry.PatientId, out var existing))
            {
                if (_patients.TryUpdate(entry.PatientId, HistoryTrimming.Merge(existing, entry, options), existing))
                {
                    break;
                }
            }
            else if (_patients.TryAdd(entry.PatientId, HistoryTrimming.Merge(PatientHistory.Empty, entry, options)))
            {
                _arrivals.Enqueue(entry.PatientId);
                while (_patients.Count > MaxPatients && _arrivals.TryDequeue(out var oldest))
                {
                    _patients.TryRemove(oldest, out _);
                }

                break;
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>How every store merges an entry into a patient's history and trims it: one definition of the bounds.</summary>
public static class HistoryTrimming
{
    /// <summary>
    /// <paramref name="history"/> with <paramref name="entry"/>'s encounter replacing any earlier record of
    /// the same encounter, sorted newest first, without what is older than the retention (counted back from
    /// the newest date held) and cut to the per-patient caps.
    /// </summary>
    public static PatientHistory Merge(PatientHistory history, HistoryEntry entry, HistoryOptions options)
    {
        var encounterId = entry.Encounter.EncounterId;
        var encounters = new List<HistoryEncounter>(history.Encounters.Count + 1) { entry.Encounter };
        foreach (var encounter in history.Encounters)
        {
            if (encounter.EncounterId != encounterId)
            {
                encounters.Add(encounter);
            }
        }

        var lines = new List<HistoryLine>(history.Lines.Count + entry.Lines.Count);
        lines.AddRange(entry.Lines);
        foreach (var line in history.Lines)
        {
            if (line.EncounterId != encounterId)
            {
                lines.Add(line);
            }
        }

        return Trim(encounters, lines, options);
    }

    /// <summary>
    /// The history made of <paramref name="encounters"/> and <paramref name="lines"/> (each given newest
    /// write first), sorted newest first, without what is older than the retention (counted back from the
    /// newest date held) and cut to the per-patient caps. <see cref="Merge"/> ends with it; a store that
    /// keeps entries apart (Redis) applies it when it reads them.
    /// </summary>
    public static PatientHistory Trim(IEnumerable<HistoryEncounter> encounters, IEnumerable<HistoryLine> lines, HistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Stable sorts, newest first: equal dates keep the newer write first.
        List<HistoryEncounter> kept = [.. encounters.OrderByDescending(e => e.EndDate ?? e.StartDate)];
        List<HistoryLine> keptLines = [.. lines.OrderByDescending(l => l.ServiceDate)];
        return Cut(kept, keptLines, options);
    }

    private static PatientHistory Cut(List<HistoryEncounter> encounters, List<HistoryLine> lines, HistoryOptions options)
    {
        var newest = DateOnly.MinValue;
        if (encounters.Count > 0)
        {
            newest = encounters[0].EndDate ?? encounters[0].StartDate;
        }

        if (lines.Count > 0 && lines[0].ServiceDate > newest)
        {
            newest = lines[0].ServiceDate;
        }

        var cutoff = newest == DateOnly.MinValue ? DateOnly.MinValue : newest.AddDays(-options.RetentionDays);
        encounters.RemoveAll(e => (e.EndDate ?? e.StartDate) < cutoff);
        lines.RemoveAll(l => l.SupplyEnd < cutoff);
        if (encounters.Count > options.MaxEncounters)
        {
            encounters.RemoveRange(options.MaxEncounters, encounters.Count - options.MaxEncounters);
        }

        if (lines.Count > options.MaxLines)
        {
            lines.RemoveRange(options.MaxLines, lines.Count - options.MaxLines);
        }

        return new PatientHistory(encounters, lines);
    }
}
