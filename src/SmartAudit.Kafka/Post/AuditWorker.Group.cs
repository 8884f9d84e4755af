using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace SmartAudit.Kafka.Post;

// The worker's side of the consumer group and the cluster: topics checked at start, the consumer with its
// rebalance handlers, and the worker's log messages.
public sealed partial class AuditWorker
{
    /// <summary>Every topic exists, and the output topics have a partition for every claims partition.</summary>
    private void CheckTopics()
    {
        // Through a consumer's handle: a producer's metadata request may create a missing topic with the broker's defaults.
        using var admin = new DependentAdminClientBuilder(_reader.Handle).Build();
        int Partitions(string topic)
        {
            var metadata = admin.GetMetadata(topic, RequestTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
            {
                throw new InvalidOperationException($"Audit worker: topic {topic} not found on {_kafka.BootstrapServers} ({metadata?.Error.Reason ?? "no metadata"}); create it first (docs/decision-log.md)");
            }

            return metadata.Partitions.Count;
        }

        var claims = Partitions(_options.ClaimsTopic);
        foreach (var output in new[] { _options.CasesTopic, _options.RejectedTopic })
        {
            var count = Partitions(output);
            if (count < claims)
            {
                throw new InvalidOperationException(
                    $"Audit worker: {output} has {count} partitions, fewer than the {claims} of {_options.ClaimsTopic}; the output of claims partition p goes to partition p");
            }
        }
    }

    private IConsumer<string, byte[]> BuildConsumer()
    {
        var config = KafkaConnection.Apply(new ConsumerConfig
        {
            GroupId = _options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }, _kafka, Name);
        foreach (var (key, value) in _options.Consumer)
        {
            config.Set(key, value);
        }

        config.EnableAutoCommit = false; // offsets are committed only after the batch's output is acknowledged
        config.EnableAutoOffsetStore = false;
        return new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(_logger, KafkaConnection.LevelOf(message.Level), config.ClientId, message.Facility, message.Message))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(_logger, config.ClientId, error.Code.ToString(), error.Reason))
            .SetPartitionsAssignedHandler((_, partitions) => Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Revoked(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Revoked(partitions.Select(p => p.TopicPartition)))
            .Build();
    }

    // The handlers run inside Consume, on the worker's own thread, between batches: nothing of the claims
    // still in the batch has been published yet, so the claims of partitions taken away are simply dropped.
    private void Assigned(List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _published.Remove(partition.Partition.Value);
        }

        _assigned = [.. _assigned.Union(partitions.Select(p => p.Partition.Value)).Order()];
        Stats.Assigned();
        LogAssigned(_logger, Name, string.Join(",", _assigned));
    }

    private void Revoked(IEnumerable<TopicPartition> partitions)
    {
        var gone = partitions.Select(p => p.Partition.Value).ToHashSet();
        _batch.RemoveAll(r => gone.Contains(r.Partition.Value));
        foreach (var partition in gone)
        {
            _published.Remove(partition);
        }

        _assigned = [.. _assigned.Except(gone)];
    }

    private void OnProducerError(Error error)
    {
        if (error.IsFatal)
        {
            KafkaLog.ProducerFatal(_logger, Name, error.Code.ToString(), error.Reason);
        }
        else
        {
            KafkaLog.ClientError(_logger, Name, error.Code.ToString(), error.Reason);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "{Worker}: group {Group} on {ClaimsTopic}; cases to {CasesTopic}, rejected claims to {RejectedTopic}")]
    private static partial void LogStarted(ILogger logger, string worker, string group, string claimsTopic, string casesTopic, string rejectedTopic);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "{Worker}: claims partitions {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string worker, string partitions);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "{Worker}: partition {Partition} past committed offset {Committed}: {Published} claims already published by a worker that stopped before committing; not published again")]
    private static partial void LogRecovered(ILogger logger, string worker, int partition, long committed, int published);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "{Worker}: the output of a batch of {Claims} claims was not all acknowledged ({Failures} refused); the batch is processed again")]
    private static partial void LogPublishFailed(ILogger logger, string worker, int claims, int failures);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "{Worker}: committing offsets failed ({Code}: {Reason}); the batch is processed again where it is still ours")]
    private static partial void LogCommitFailed(ILogger logger, string worker, string code, string reason);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "{Worker}: consuming claims failed ({Code}: {Reason})")]
    private static partial void LogConsumeFailed(ILogger logger, string worker, string code, string reason);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "{Worker}: stopped before the cluster acknowledged the output of a batch of {Claims} claims; not committed, the next owner publishes what is missing")]
    private static partial void LogAbandoned(ILogger logger, string worker, int claims);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "{Worker}: could not read the committed offsets or the published output ({Reason}); the batch is processed again")]
    private static partial void LogPrepareFailed(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Error, Message = "{Worker}: the claim at partition {Partition} offset {Offset} could not be audited ({ErrorType}: {Error}); published as rejected, the batch goes on")]
    private static partial void LogClaimSetAside(ILogger logger, string worker, int partition, long offset, string errorType, string error);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Information, Message = "{Worker}: stopped; {Stats}")]
    private static partial void LogStopped(ILogger logger, string worker, string stats);
}
