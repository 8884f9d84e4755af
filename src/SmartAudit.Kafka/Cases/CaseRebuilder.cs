using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using SmartAudit.Core.Cases;
using SmartAudit.Kafka.Compliance;

namespace SmartAudit.Kafka.Cases;

/// <summary>What a rebuild read and did.</summary>
/// <remarks>
/// <para><c>Outcomes</c>: What applying the readable records did: cases added or already there, decisions that
/// raise no case, decisions appended, duplicates skipped, and decisions left out (conflicting, no case, out of order).</para>
/// </remarks>
public sealed record CaseRebuildReport(long CaseRecords, long DecisionRecords, long CaseDecisionRecords, long Unreadable, CaseReplayTally Outcomes)
{
    /// <summary>Cases in the store afterwards: added from the cases topic or raised by an audit decision.</summary>
    public long Cases => Outcomes[CaseReplayOutcome.Added];

    /// <summary>Case decisions that could not be applied: conflicting with the store's, for a case not found, or with an earlier one missing.</summary>
    public long DecisionsLeftOut =>
        Outcomes[CaseReplayOutcome.Conflicting] + Outcomes[CaseReplayOutcome.CaseMissing] + Outcomes[CaseReplayOutcome.OutOfOrder];
}

/// <summary>
/// Makes a case store again from the record of truth: clears it, then reads from the beginning the cases topic
/// (flagged claims), the audit decisions topic (those the policy raises a case for; a case already added from
/// the cases topic stays as it is) and the case-decisions topic, whose records are in decision order per case
/// (keyed by case id). Duplicates on the topics (the spool's, a worker's retry) are applied once. The result
/// equals the store the workbench kept, as far as the topics' retention reaches.
/// </summary>
public sealed class CaseRebuilder(KafkaOptions kafka, CaseIntakeOptions options, ILogger logger)
{
    private const int BatchSize = 1_000;

    /// <exception cref="KafkaException">A topic does not exist or the cluster did not answer (the message names the topic).</exception>
    /// <exception cref="CaseStoreUnavailableException">The store cannot be written.</exception>
    public async Task<CaseRebuildReport> RebuildAsync(ICaseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(options);
        await store.ClearAsync(cancellationToken);
        var replay = new CaseReplay(store, options.Policy, options.Offset);
        long unreadable = 0;
        using var consumer = KafkaConnection.Reader(kafka, "case-rebuild", logger);
        try
        {
            async Task<long> ReadAsync(string topic, CaseTopic kind)
            {
                try
                {
                    return await TopicReader.ReadAllAsync(consumer, topic, BatchSize, async (batch, ct) =>
                    {
                        foreach (var result in batch)
                        {
                            if (CaseTopicRecords.Read(result, kind) is { } record)
                            {
                                await CaseTopicRecords.ApplyAsync(replay, record, ct);
                            }
                            else
                            {
                                unreadable++;
                            }
                        }
                    }, cancellationToken);
                }
                catch (KafkaException ex)
                {
                    throw new KafkaException(new Error(ex.Error.Code, $"reading {topic}: {ex.Error.Reason}"), ex);
                }
            }

            var cases = await ReadAsync(options.CasesTopic, CaseTopic.Cases);
            var decisions = await ReadAsync(kafka.DecisionsTopic, CaseTopic.Decisions);
            var caseDecisions = await ReadAsync(kafka.CaseDecisionsTopic, CaseTopic.CaseDecisions);
            return new CaseRebuildReport(cases, decisions, caseDecisions, unreadable, replay.Tally);
        }
        finally
        {
            consumer.Close();
        }
    }
}
