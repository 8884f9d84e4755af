namespace SmartAudit.Core.History;

/// <summary>
/// The patients' recent history across requests and server instances: what rules that look across visits
/// read (duplicate prescribing in another hospital, readmission within N days, frequent visits, period
/// frequency limits). In memory for the embedded default; Redis in production.
/// </summary>
/// <remarks>
/// Implementations answer quickly or not at all: a store that cannot answer within its budget throws
/// <see cref="HistoryUnavailableException"/>, and the request is audited without the history rules,
/// with the reason in <c>degraded</c>. A history fault never fails a request.
/// </remarks>
public interface IPatientHistoryStore
{
    /// <summary>The patient's recent history, in one round trip to the store.</summary>
    /// <exception cref="HistoryUnavailableException">The store cannot answer now.</exception>
    ValueTask<PatientHistory> GetAsync(string patientId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds what a settled request did. Recording the same encounter again replaces what was recorded for
    /// it before (a settlement re-sent, a claim corrected), so retries never double-count. Entries older than
    /// the retention, and the oldest beyond the per-patient bounds, are dropped.
    /// </summary>
    /// <exception cref="HistoryUnavailableException">The store cannot take it now.</exception>
    ValueTask RecordAsync(HistoryEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// What a settled request needs of the store: the patient's history as it stood before this encounter,
    /// and the encounter recorded. A store that can do both in one round trip does (Redis: one script); this
    /// default reads, then records. Never throws for the store's sake: each half that failed says why.
    /// </summary>
    async ValueTask<HistoryExchange> ReadAndRecordAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var history = PatientHistory.Empty;
        string? readFailure = null, recordFailure = null;
        try
        {
            history = await GetAsync(entry.PatientId, cancellationToken).ConfigureAwait(false);
        }
        catch (HistoryUnavailableException ex)
        {
            readFailure = ex.Message;
        }

        try
        {
            await RecordAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (HistoryUnavailableException ex)
        {
            recordFailure = ex.Message;
        }

        return new HistoryExchange(history, readFailure, recordFailure);
    }
}

/// <summary>
/// The outcome of <see cref="IPatientHistoryStore.ReadAndRecordAsync"/>: the history read (empty when it
/// could not be), why it could not be read, and why the encounter could not be recorded (null: it was).
/// </summary>
public readonly record struct HistoryExchange(PatientHistory History, string? ReadFailure, string? RecordFailure)
{
    /// <summary>Both halves failed for one reason (a store that does both in one round trip).</summary>
    public static HistoryExchange Failed(string reason) => new(PatientHistory.Empty, reason, reason);
}

/// <summary>The history store could not answer within its budget; the message says why.</summary>
public sealed class HistoryUnavailableException : Exception
{
    public HistoryUnavailableException()
    {
    }

    public HistoryUnavailableException(string message)
        : base(message)
    {
    }

    public HistoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
