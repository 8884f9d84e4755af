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
