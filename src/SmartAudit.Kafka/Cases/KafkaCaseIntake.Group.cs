using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SmartAudit.Kafka.Cases;

// The intake's side of the consumer group: the consumer, batches, commits, and the log messages.
public sealed partial class KafkaCaseIntake
{
    private IConsumer<string, byte[]> BuildConsumer()
    {
        var config = KafkaConnection.Apply(new ConsumerConfig
        {
            GroupId = _options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }, _kafka, "case-intake");
        foreach (var (key, value) in _options.Consumer)
        {
            config.Set(key, value);
        }

        config.EnableAutoCommit = false; // committed only once the batch is in the store
        config.EnableAutoOffsetStore = false;
        return new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(logger, KafkaConnection.LevelOf(message.Level), config.ClientId, message.Facility, message.Message))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(logger, config.ClientId, error.Code.ToString(), error.Reason))
            .SetPartitionsRevokedHandler((_, partitions) => Revoked(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Revoked(partitions.Select(p => p.TopicPartition)))
            .Build();
    }

    /// <summary>Reads records until the batch is full or <see cref="CaseIntakeOptions.MaxBatchWait"/> has passed.</summary>
    private List<ConsumeResult<string, byte[]>> Fill(IConsumer<string, byte[]> consumer, CancellationToken stop)
    {
        var batch = new List<ConsumeResult<string, byte[]>>();
        var started = Stopwatch.GetTimestamp();
        while (batch.Count < _options.BatchSize && !stop.IsCancellationRequested)
        {
            var left = _options.MaxBatchWait - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                if (consumer.Consume(left) is not { } record)
                {
                    break;
                }

                if (!record.IsPartitionEOF)
                {
                    batch.Add(record);
                }
            }
            catch (ConsumeException ex)
            {
                LogConsumeFailed(logger, ex.Error.Code.ToString(), ex.Error.Reason);
                break;
            }
        }

        foreach (var record in batch)
        {
            _consumed[record.TopicPartition] = record.Offset.Value + 1;
        }

        Interlocked.Add(ref _records, batch.Count);
        return batch;
    }

    /// <summary>Commits past what was consumed, but on a partition with a decision still waiting, no further than that decision.</summary>
    private void Commit(IConsumer<string, byte[]> consumer)
    {
        var offsets = new Dictionary<TopicPartition, long>(_consumed);
        foreach (var waiting in _waiting)
        {
            if (offsets.TryGetValue(waiting.Offset.TopicPartition, out var next) && waiting.Offset.Offset.Value < next)
            {
                offsets[waiting.Offset.TopicPartition] = waiting.Offset.Offset.Value;
            }
        }

        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit([.. offsets.Select(o => new TopicPartitionOffset(o.Key, o.Value))]);
        }
        catch (KafkaException ex)
        {
            // Typically a rebalance meanwhile: the partitions' new owner reads the batch again, and applying is idempotent.
            LogCommitFailed(logger, ex.Error.Code.ToString(), ex.Error.Reason);
        }
    }

    /// <summary>Decisions waiting on partitions taken away are the new owner's: it reads them again from the committed offset.</summary>
    private void Revoked(IEnumerable<TopicPartition> partitions)
    {
        var gone = partitions.ToHashSet();
        _waiting.RemoveAll(w => gone.Contains(w.Offset.TopicPartition));
        foreach (var partition in gone)
        {
            _consumed.Remove(partition);
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Case intake: group {Group} on {CasesTopic}, {DecisionsTopic} and {CaseDecisionsTopic}")]
    private static partial void LogStarted(ILogger logger, string group, string casesTopic, string decisionsTopic, string caseDecisionsTopic);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Case intake: the case store is unavailable ({Reason}); retrying the batch every second")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "Case intake: the case store answers again")]
    private static partial void LogStoreBack(ILogger logger);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Warning, Message = "Case intake: the case decision at partition {Partition} offset {Offset} conflicts with the one the store has at its sequence; the store's stays")]
    private static partial void LogConflicting(ILogger logger, int partition, long offset);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Warning, Message = "Case intake: more than {Max} case decisions wait for their case; the oldest (partition {Partition} offset {Offset}) is dropped")]
    private static partial void LogDropped(ILogger logger, int max, int partition, long offset);

    [LoggerMessage(EventId = 5308, Level = LogLevel.Error, Message = "Case intake: the record at {Topic} partition {Partition} offset {Offset} could not be applied; skipped")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string topic, int partition, long offset);

    [LoggerMessage(EventId = 5306, Level = LogLevel.Warning, Message = "Case intake: consuming failed ({Code}: {Reason})")]
    private static partial void LogConsumeFailed(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 5307, Level = LogLevel.Warning, Message = "Case intake: committing offsets failed ({Code}: {Reason}); the records are read again after a restart and applied once")]
    private static partial void LogCommitFailed(ILogger logger, string code, string reason);
}

/// <summary>Composition of the case intake, one call from the host.</summary>
public static class CaseIntakeExtensions
{
    /// <summary>
    /// The case intake (section <c>CaseIntake</c>) as a hosted service, on the cluster of section <c>Kafka</c>
    /// (registered by <see cref="KafkaDecisionLogExtensions.AddKafkaDecisionLog"/> or
    /// <see cref="KafkaDecisionLogExtensions.AddKafkaCaseDecisionLog"/>). Needs an <see cref="Core.Cases.ICaseStore"/>.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaCaseIntake(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CaseIntakeOptions>()
            .BindConfiguration(CaseIntakeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KafkaCaseIntake>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaCaseIntake>());
        return builder;
    }
}
