namespace SmartAudit.Core.Cases;

/// <summary>
/// Where every case decision goes on record besides the case store: the case-decisions topic in production
/// (<c>smartaudit.case-decisions.v1</c>, keyed by case id), a JSON-lines file in the embedded default. The store
/// can be rebuilt from it. Appending never fails the reviewer's decision: a log that cannot write spools and
/// replays, like the decision log.
/// </summary>
public interface ICaseDecisionLog
{
    ValueTask AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default);
}
