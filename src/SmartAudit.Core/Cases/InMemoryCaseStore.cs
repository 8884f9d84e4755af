namespace SmartAudit.Core.Cases;

/// <summary>The embedded default: cases and decisions in this process, gone when it stops (rebuild from the topics).</summary>
public sealed class InMemoryCaseStore : ICaseStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CaseFile> files = new(StringComparer.Ordinal);
    private readonly CaseIndex index = new();

    public Task<bool> AddAsync(CaseRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (gate)
        {
            if (files.ContainsKey(record.CaseId))
            {
                return Task.FromResult(false);
            }

            var file = new CaseFile(record, []);
            files.Add(record.CaseId, file);
            index.Upsert(CaseSummary.From(record, file.State));
        }

        return Task.FromResult(true);
    }

    public Task<CaseFile?> GetAsync(string caseId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(files.GetValueOrDefault(caseId));
        }
    }

    public Task AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (gate)
        {
            if (!files.TryGetValue(decision.CaseId, out var file))
            {
                throw new CaseConflictException($"no case {decision.CaseId}");
            }

            if (decision.Sequence != file.Decisions.Count + 1)
            {
                throw new CaseConflictException($"case {decision.CaseId} has {file.Decisions.Count} decision(s); decision {decision.Sequence} cannot be written");
            }

            var next = new CaseFile(file.Record, [.. file.Decisions, decision]);
            files[decision.CaseId] = next;
            index.Upsert(CaseSummary.From(next.Record, next.State));
        }

        return Task.CompletedTask;
    }

    public Task<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => Task.FromResult(index.Query(query));

    public Task<CaseStats> StatsAsync(CaseQuery filter, CancellationToken cancellationToken = default) => Task.FromResult(index.Stats(filter));

    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            files.Clear();
            index.Clear();
        }

        return Task.CompletedTask;
    }
}
