using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SmartAudit.Redis.History;

/// <summary>
/// Encounters a settled request answered while Redis could not take them (down, or over the history budget),
/// kept in memory until they are written back (<see cref="RedisPatientHistoryStore.ReplayBacklogAsync"/>), so that
/// later cross-hospital and frequency rules do not silently miss them. Until then a read of the same patient's
/// history sees them too: they are merged into what Redis returns. Bounded: past <c>Redis:HistoryBacklogLimit</c>
/// an encounter is dropped, logged and counted (its answer already said the history was not updated).
/// </summary>
internal sealed class HistoryBacklog(int limit)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PendingEncounter>> _byPatient = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Encounters waiting to be written.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Keeps an encounter (its stored form, field <c>e:&lt;encounter id&gt;</c>); false when the backlog is full.</summary>
    public bool TryAdd(string patientId, string encounterId, PendingEncounter stored)
    {
        if (Interlocked.Increment(ref _count) > limit)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        var encounters = _byPatient.GetOrAdd(patientId, static _ => new(StringComparer.Ordinal));
        if (!encounters.TryAdd(encounterId, stored))
        {
            encounters[encounterId] = stored; // the same encounter again: the newer form replaces it
            Interlocked.Decrement(ref _count);
        }

        return true;
    }

    /// <summary>The written form replaced what was waiting (a later write of the same encounter, or the replay).</summary>
    public void Written(string patientId, string encounterId, PendingEncounter? only = null)
    {
        if (_count == 0 || !_byPatient.TryGetValue(patientId, out var encounters))
        {
            return;
        }

        var removed = only is null
            ? encounters.TryRemove(encounterId, out _)
            : encounters.TryRemove(new KeyValuePair<string, PendingEncounter>(encounterId, only));
        if (removed)
        {
            Interlocked.Decrement(ref _count);
        }

        if (encounters.IsEmpty)
        {
            _byPatient.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, PendingEncounter>>(patientId, encounters));
        }
    }

    /// <summary>The patient's hash fields as Redis returned them, with the waiting encounters in place of their stored forms.</summary>
    public HashEntry[] Merge(string patientId, HashEntry[] fields)
    {
        if (_count == 0 || !_byPatient.TryGetValue(patientId, out var encounters) || encounters.IsEmpty)
        {
            return fields;
        }

        var merged = new List<HashEntry>(fields.Length + encounters.Count);
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (!(name.StartsWith("e:", StringComparison.Ordinal) && encounters.ContainsKey(name[2..])))
            {
                merged.Add(field);
            }
        }

        foreach (var (encounterId, stored) in encounters)
        {
            merged.Add(new HashEntry("e:" + encounterId, stored.Stored));
        }

        return [.. merged];
    }

    /// <summary>What is waiting, oldest patients first as far as the dictionary keeps order (it need not).</summary>
    public IEnumerable<(string PatientId, string EncounterId, PendingEncounter Stored)> Waiting()
    {
        foreach (var (patient, encounters) in _byPatient)
        {
            foreach (var (encounter, stored) in encounters)
            {
                yield return (patient, encounter, stored);
            }
        }
    }
}

/// <summary>An encounter as the record script takes it: the stored entry, its line count and its day.</summary>
internal sealed record PendingEncounter(byte[] Stored, int LineCount, int Day);
