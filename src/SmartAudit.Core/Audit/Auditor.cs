using System.Diagnostics;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Fraud;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;

namespace SmartAudit.Core.Audit;

/// <summary>
/// One request's path through the core: take the active rule set once, read the patient's history (only
/// when a rule that applies, or the model, needs it) and add a settled request to it (one round trip for
/// both), evaluate, decide, put the decision on record. Validation and mapping happen before (in the host); the decision log
/// never blocks; a history store that cannot answer degrades the answer, it never fails it. The fraud model,
/// when the host has one, scores the request after the rules, with the same history and their findings.
/// </summary>
public sealed class Auditor(ActiveRuleSet rules, IDecisionLog log, IPatientHistoryStore history, TimeProvider clock, IFraudScorer? fraud = null)
{
    private readonly IFraudScorer _fraud = fraud ?? NoFraudScorer.Instance;

    public ActiveRuleSet Rules { get; } = rules;

    /// <param name="request">A validated request.</param>
    /// <param name="degradedReasons">What the host already knows is missing (a store down, say).</param>
    /// <param name="startedTimestamp">
    /// <see cref="Stopwatch.GetTimestamp"/> when the host received the request, so that the reported time
    /// covers validation and mapping too.
    /// </param>
    /// <param name="cancellationToken">The caller went away.</param>
    public async ValueTask<Decision> AuditAsync(AuditRequest request, IReadOnlyList<string> degradedReasons, long startedTimestamp,
        CancellationToken cancellationToken)
    {
        var (ruleSet, ruleSetReason) = Rules.Snapshot();
        if (ruleSetReason is not null)
        {
            degradedReasons = [.. degradedReasons, ruleSetReason];
        }

        var patientHistory = PatientHistory.Empty;
        string? historyUnavailable = null, notRecorded = null;
        var scored = _fraud.Scores(request.Stage);
        var reads = scored || ruleSet.UsesHistory(request.Stage, request.Encounter.Kind);
        // Settled requests (MID: during the stay and at settlement; POST: settled claims) become the
        // patient's history; a PRE order may still be changed, so it does not.
        var records = request.Stage != Stage.Pre;
        if (reads && records)
        {
            // One round trip for both: the history as it stood before this encounter, and the encounter recorded.
            var exchange = await history.ReadAndRecordAsync(HistoryEntry.From(request, ruleSet.Knowledge), cancellationToken).ConfigureAwait(false);
            (patientHistory, historyUnavailable, notRecorded) = (exchange.History, exchange.ReadFailure, NotRecorded(exchange.RecordFailure));
        }
        else if (reads)
        {
            try
            {
                patientHistory = await history.GetAsync(request.Patient.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (HistoryUnavailableException ex)
            {
                historyUnavailable = ex.Message;
            }
        }

        var result = AuditEngine.Evaluate(ruleSet, request, patientHistory, historyUnavailable);
        var scoring = scored ? _fraud.Score(request, patientHistory, result.Findings) : FraudOutcome.NotScored;
        result = scoring.AddTo(result);
        if (records && !reads)
        {
            notRecorded = await RecordAsync(request, ruleSet, cancellationToken).ConfigureAwait(false);
        }

        if (notRecorded is not null)
        {
            degradedReasons = [.. degradedReasons, notRecorded];
        }

        var micros = (long)Stopwatch.GetElapsedTime(startedTimestamp).TotalMicroseconds;
        var decision = DecisionMaker.Decide(request, ruleSet, result, degradedReasons, micros, clock.GetUtcNow()) with { Fraud = scoring.Assessment };
        var logged = log.AppendAcknowledgedAsync(decision);
        return logged.IsCompletedSuccessfully ? decision : await AfterLoggedAsync(logged, decision).ConfigureAwait(false);
    }

    /// <summary>The longest an answer waits for its decision to be written; past it the answer goes out, degraded.</summary>
    public TimeSpan LogWaitLimit { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Waits for the log to hold the decision; a log that is stuck never holds up care, the answer says so instead.</summary>
    private async ValueTask<Decision> AfterLoggedAsync(ValueTask logged, Decision decision)
    {
        try
        {
            await logged.AsTask().WaitAsync(LogWaitLimit, clock).ConfigureAwait(false);
            return decision;
        }
        catch (TimeoutException)
        {
            return decision with { DegradedReasons = [.. decision.DegradedReasons, DecisionLogBehind] };
        }
    }

    /// <summary>The degraded reason of an answer sent before its decision was written (it is still queued, not lost).</summary>
    public const string DecisionLogBehind = "decision log behind: this decision is queued but was not yet written when answered";

    /// <summary>Records a settled request the rules did not need the history for; returns why recording failed, or null.</summary>
    private async ValueTask<string?> RecordAsync(AuditRequest request, RuleSet ruleSet, CancellationToken cancellationToken)
    {
        try
        {
            await history.RecordAsync(HistoryEntry.From(request, ruleSet.Knowledge), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (HistoryUnavailableException ex)
        {
            return NotRecorded(ex.Message);
        }
    }

    private static string? NotRecorded(string? failure) => failure is null ? null : $"patient history not updated with this encounter ({failure})";
}
