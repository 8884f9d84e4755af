using SmartAudit.Core.Cases;

namespace SmartAudit.Kafka.Cases;

/// <summary>
/// The fraud team's decisions on record in Kafka: each <see cref="CaseDecision"/> goes to
/// <see cref="KafkaOptions.CaseDecisionsTopic"/> (<c>smartaudit.case-decision.v1</c>, keyed by case id) through the
/// process's <see cref="KafkaDecisionLog"/>, so it shares that log's guarantees: an idempotent <c>acks=all</c>
/// producer, and while the cluster cannot take records a durable disk spool replayed in order. Appending only
/// enqueues; it never waits for the cluster and never fails the reviewer's decision.
/// </summary>
public sealed class KafkaCaseDecisionLog(KafkaDecisionLog log) : ICaseDecisionLog
{
    public ValueTask AppendAsync(CaseDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        log.Append(decision);
        return ValueTask.CompletedTask;
    }
}
