using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka.Compliance;

/// <summary>
/// Computes a compliance report from the topics themselves: the decisions topic from the window's start
/// to its current end (each partition in order, so each encounter's decisions in the order they were
/// made), then the feedback topic. No state is kept anywhere else, so any instance, the CLI or the server,
/// gives the same figures. Cost: one pass over the window and whatever came after it.
/// </summary>
public sealed class ComplianceReader(IOptions<KafkaOptions> options, ILogger<ComplianceReader> logger)
{
    private readonly KafkaOptions _options = options.Value;

    /// <summary>Reads on a thread of its own (the Kafka consumer blocks) and returns the report.</summary>
    public Task<ComplianceReport> ReadAsync(ComplianceWindow window, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Read(window, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <exception cref="KafkaException">A topic does not exist or the cluster did not answer.</exception>
    public ComplianceReport Read(ComplianceWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var calculator = new ComplianceCalculator(window);
        using var consumer = KafkaConnection.Reader(_options, "compliance", logger);
        try
        {
            TopicReader.Read(consumer, _options.DecisionsTopic, window.From, record =>
            {
                if (Parse(record, DecisionRecord.SchemaV1, DecisionJsonContext.Default.DecisionRecord) is { } decision)
                {
                    calculator.Add(decision);
                }
                else
                {
                    calculator.AddUnreadable();
                }
            }, cancellationToken);
            TopicReader.Read(consumer, _options.FeedbackTopic, window.From, record =>
            {
                if (Parse(record, FeedbackRecord.SchemaV1, DecisionJsonContext.Default.FeedbackRecord) is { } feedback)
                {
                    calculator.Add(feedback);
                }
                else
                {
                    calculator.AddUnreadable();
                }
            }, cancellationToken);
        }
        finally
        {
            consumer.Close();
        }

        return calculator.Build();
    }

    private static T? Parse<T>(ConsumeResult<string, byte[]> record, string schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (record.Message.Headers?.TryGetLastBytes("schema", out var header) != true || Encoding.UTF8.GetString(header) != schema)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(record.Message.Value, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
