using Microsoft.Extensions.Logging;

namespace SmartAudit.Kafka;

/// <summary>The Kafka decision log's messages. None carries a key or a value: no patient identifiers in logs.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Decision log: producing to {BootstrapServers} (decisions {DecisionsTopic}, feedback {FeedbackTopic}), spool {SpoolPath}")]
    public static partial void Started(ILogger logger, string bootstrapServers, string decisionsTopic, string feedbackTopic, string spoolPath);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "Decision log: {Records} records left in the spool by an earlier run; they are replayed before new ones")]
    public static partial void SpoolFound(ILogger logger, long records);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning,
        Message = "Decision log: spooling to disk ({Reason}); records are replayed in order when the cluster takes them again")]
    public static partial void SpoolingStarted(ILogger logger, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information,
        Message = "Decision log: spool replayed, producing directly again")]
    public static partial void SpoolingEnded(ILogger logger);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning,
        Message = "Decision log: replaying spool segment {Segment}: {Failed} of {Records} records refused ({Error}); retrying in {Backoff}")]
    public static partial void ReplayRefused(ILogger logger, long segment, int failed, int records, string error, TimeSpan backoff);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error,
        Message = "Decision log: spool segment {Segment} had {Unreadable} unreadable lines (a write torn by a crash); they are skipped")]
    public static partial void SpoolLinesUnreadable(ILogger logger, long segment, int unreadable);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information,
        Message = "Decision log: stopped; {Spooled} records wait in the spool for the next start")]
    public static partial void Stopped(ILogger logger, long spooled);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning,
        Message = "Decision log: {Records} records still unacknowledged after the flush timeout were moved to the spool")]
    public static partial void FlushTimedOut(ILogger logger, int records);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Critical,
        Message = "Decision log: producer {Client} failed fatally ({Code}: {Reason}); it will be recreated, records go to the spool meanwhile")]
    public static partial void ProducerFatal(ILogger logger, string client, string code, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Debug, Message = "Decision log: producer {Client}: {Code}: {Reason}")]
    public static partial void ProducerError(ILogger logger, string client, string code, string reason);

    [LoggerMessage(EventId = 5011, Message = "librdkafka {Client} {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string client, string facility, string message);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Error, Message = "Decision log: could not read or rewrite the spool; retrying in {Backoff}")]
    public static partial void ReplayFailed(ILogger logger, Exception exception, TimeSpan backoff);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Decision log: could not write the spool; the records of this batch may be lost")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Debug, Message = "Kafka client {Client}: {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string client, string code, string reason);

    // Request (or case-decision) ids only: no patient identifiers in logs.
    [LoggerMessage(EventId = 5015, Level = LogLevel.Error,
        Message = "Decision log: {Kind} {RecordId} could not be serialized ({ErrorType}: {Error}); set aside to {DeadLetterPath}, the log goes on")]
    public static partial void RecordSetAside(ILogger logger, string kind, string? recordId, string errorType, string error, string deadLetterPath);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Critical,
        Message = "Decision log: {Kind} {RecordId} LOST: it could not be serialized ({ErrorType}) and the dead-letter file refused it ({DeadLetterErrorType}: {DeadLetterError})")]
    public static partial void RecordLost(ILogger logger, string kind, string? recordId, string errorType, string deadLetterErrorType, string deadLetterError);
}
