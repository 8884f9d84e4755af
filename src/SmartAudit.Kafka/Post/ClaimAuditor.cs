using SmartAudit.Core.Cases;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Decisions;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Kafka.Post;

/// <summary>
/// One settled claim from the claims topic through the core: parsed (a <c>CheckRequest</c> as JSON, the
/// format <c>smartaudit claims generate</c> writes and <c>rules backtest</c> reads), checked like any request,
/// audited at the POST stage whatever stage it says, and turned into the worker's output: a case when
/// flagged, a rejection when it cannot be audited, nothing when it passes. The decision goes on record
/// through the <see cref="Auditor"/>'s decision log like every other.
/// </summary>
internal sealed class ClaimAuditor(Auditor auditor, DegradedReasons? degradation, AuditWorkerOptions options, TimeProvider clock)
{
    private const int MaxClaimTextInRejection = 1_000_000;
    private static readonly IReadOnlyList<string> NotDegraded = [];
    private readonly JsonParser _parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private readonly CheckRequestMapper _mapper = new(new RequestLimits(options.MaxLinesPerClaim, options.Offset) { Bounds = options.Bounds, Clock = clock });

    public async ValueTask<ClaimOutput?> AuditAsync(ConsumeResult<string, byte[]> record, CancellationToken cancellationToken)
    {
        var source = new ClaimSource(record.Topic, record.Partition.Value, record.Offset.Value);
        var text = record.Message.Value is { } bytes ? Encoding.UTF8.GetString(bytes) : string.Empty;
        V1.CheckRequest wire;
        try
        {
            wire = _parser.Parse<V1.CheckRequest>(text);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
        {
            return Rejected(source, record, null, "not a claim: the record is not a CheckRequest as JSON", [ex.Message], text);
        }

        wire.Stage = V1.Stage.Post;
        var request = _mapper.TryMap(wire, out var violations);
        if (request is null)
        {
            return Rejected(source, record, wire.RequestId, "invalid claim",
                [.. violations.FieldViolations.Select(v => $"{v.Field}: {v.Description}")], text);
        }

        var decision = await auditor.AuditAsync(request, degradation?.Current() ?? NotDegraded, Stopwatch.GetTimestamp(), cancellationToken);
        if (decision.Action == AuditAction.Pass)
        {
            return null;
        }

        var @case = CaseRecord.From(decision, source);
        return new ClaimOutput(ClaimOutputKind.Case, source, request.Patient.Id, CaseRecord.SchemaV1, decision.DecidedAt, PostJsonContext.ToUtf8(@case));
    }

    /// <summary>A claim whose audit failed unexpectedly: rejected with the error, so it is on record and never retried forever.</summary>
    public ClaimOutput Unauditable(ConsumeResult<string, byte[]> record, Exception error)
    {
        var source = new ClaimSource(record.Topic, record.Partition.Value, record.Offset.Value);
        var text = record.Message.Value is { } bytes ? Encoding.UTF8.GetString(bytes) : string.Empty;
        return Rejected(source, record, null, "could not be audited", [$"{error.GetType().Name}: {error.Message}"], text);
    }

    private ClaimOutput Rejected(ClaimSource source, ConsumeResult<string, byte[]> record, string? claimId, string reason, IReadOnlyList<string> problems, string text)
    {
        var now = clock.GetUtcNow();
        var claim = text.Length > MaxClaimTextInRejection ? text[..MaxClaimTextInRejection] : text;
        var rejection = new RejectedClaimRecord(RejectedClaimRecord.SchemaV1, source, string.IsNullOrEmpty(claimId) ? null : claimId, reason, problems, now, claim);
        return new ClaimOutput(ClaimOutputKind.Rejected, source, record.Message.Key ?? string.Empty, RejectedClaimRecord.SchemaV1, now, PostJsonContext.ToUtf8(rejection));
    }
}

internal enum ClaimOutputKind
{
    Case,
    Rejected,
}

/// <summary>What the worker publishes for one claim, to the partition of the claim's number on its topic.</summary>
internal sealed record ClaimOutput(ClaimOutputKind Kind, ClaimSource Source, string Key, string Schema, DateTimeOffset Timestamp, byte[] Value)
{
    public const string ClaimPartitionHeader = "claim-partition";
    public const string ClaimOffsetHeader = "claim-offset";

    public Message<string, byte[]> ToMessage() => new()
    {
        Key = Key,
        Value = Value,
        Timestamp = new Timestamp(Timestamp.UtcDateTime, TimestampType.CreateTime),
        Headers = new Headers
        {
            { Spool.OutboundRecord.SchemaHeader, Encoding.UTF8.GetBytes(Schema) },
            { Spool.OutboundRecord.RecordIdHeader, Encoding.UTF8.GetBytes(Source.RecordId) },
            { ClaimPartitionHeader, Encoding.UTF8.GetBytes(Source.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            { ClaimOffsetHeader, Encoding.UTF8.GetBytes(Source.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        },
    };
}
