using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka.Compliance;

/// <summary>
/// Computes pre-alert compliance from decision and feedback records; pure, no I/O. Decisions must arrive
/// in the order they were made <em>per encounter</em>, which is what a consumer of the decisions topic
/// sees: records are keyed by patient, so one encounter's decisions are in one partition, in order.
/// Feedback may arrive in any order and before or after the decisions.
/// <para>
/// A reminder is one rule's active findings on a PRE decision decided inside the window. Its outcome is
/// the doctor's latest explicit feedback on it; without any, it is <em>changed (inferred)</em> when the
/// next PRE decision of the same encounter no longer has the flagged item, or no longer flags it under
/// that rule (the quantity was lowered, say); otherwise it had no response. Inference needs no state in
/// the servers: it is derived here, from the topic, so it holds with any number of server instances and
/// across restarts, and gives the same answer every time it is computed.
/// </para>
/// </summary>
public sealed class ComplianceCalculator(ComplianceWindow window)
{
    private const string Pre = "PRE";
    private const string Changed = "CHANGED";
    private const string Overridden = "OVERRIDDEN";
    private const string Dismissed = "DISMISSED";
    private readonly HashSet<string> _preSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Hospital, string Encounter), FlaggedDecision> _lastFlagged = [];
    private readonly Dictionary<(string RequestId, string RuleId), Reminder> _reminders = [];
    private readonly Dictionary<(string RequestId, string RuleId), FeedbackRecord> _explicit = [];
    private readonly List<FeedbackRecord> _inferred = [];
    private long _decisions;
    private long _feedback;
    private long _unreadable;

    public ComplianceWindow Window => window;

    /// <summary>Takes the next decision record (per encounter in decision order; duplicates are ignored).</summary>
    public void Add(DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        _decisions++;
        if (decision.Stage != Pre || decision.DecidedAt >= window.ReadUntil || !_preSeen.Add(decision.RequestId))
        {
            return;
        }

        var encounter = (decision.HospitalId, decision.EncounterId);
        if (_lastFlagged.Remove(encounter, out var previous))
        {
            InferChanges(previous, decision);
        }

        var flagged = Flagged(decision);
        if (flagged.Count == 0)
        {
            return;
        }

        _lastFlagged[encounter] = new FlaggedDecision(decision.RequestId, flagged);
        if (window.Contains(decision.DecidedAt))
        {
            foreach (var rule in flagged)
            {
                _reminders[(decision.RequestId, rule.RuleId)] = new Reminder(decision.HospitalId, decision.Department, decision.DoctorId, rule.RuleId);
            }
        }
    }

    /// <summary>Takes a feedback record (any order; the latest per request and rule wins; inferred ones are recomputed, not read).</summary>
    public void Add(FeedbackRecord feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        _feedback++;
        if (feedback.Inferred || feedback.RecordedAt >= window.ReadUntil)
        {
            return;
        }

        var key = (feedback.RequestId, feedback.RuleId);
        if (!_explicit.TryGetValue(key, out var known) || feedback.RecordedAt >= known.RecordedAt)
        {
            _explicit[key] = feedback;
        }
    }

    /// <summary>Counts a record that could not be read (unknown schema, bad JSON), so the report says so.</summary>
    public void AddUnreadable() => _unreadable++;

    public ComplianceReport Build()
    {
        var total = new Tally("total");
        var hospitals = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var departments = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var doctors = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var rules = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var (key, reminder) in _reminders)
        {
            _explicit.TryGetValue(key, out var feedback);
            var outcome = new Outcome(feedback?.Kind, feedback?.OverrideReason, feedback is null && reminder.InferredChanged);
            total.Add(outcome);
            For(hospitals, reminder.Hospital).Add(outcome);
            For(departments, reminder.Department).Add(outcome);
            For(doctors, reminder.Doctor).Add(outcome);
            For(rules, reminder.Rule).Add(outcome);
        }

        var unmatched = _explicit.Keys.Count(k => !_reminders.ContainsKey(k));
        var inferred = _inferred.Where(f => !_explicit.ContainsKey((f.RequestId, f.RuleId))).ToList();
        return new ComplianceReport(window, total.ToRow(), Rows(hospitals), Rows(departments), Rows(doctors), Rows(rules), inferred,
            new ComplianceInputs(_decisions, _preSeen.Count, _feedback, unmatched, _unreadable));
    }

    private void InferChanges(FlaggedDecision previous, DecisionRecord next)
    {
        foreach (var rule in previous.Rules)
        {
            var key = (previous.RequestId, rule.RuleId);
            if (rule.ItemCodes.Count == 0 || !_reminders.TryGetValue(key, out var reminder) || StillFlagged(rule, next))
            {
                continue; // an encounter-level finding has no line to take away; outside the window nothing counts
            }

            _reminders[key] = reminder with { InferredChanged = true };
            _inferred.Add(new FeedbackRecord(FeedbackRecord.SchemaV1, previous.RequestId, rule.RuleId, Changed, null,
                $"inferred: request {next.RequestId} for the same encounter no longer has the flagged item(s) {string.Join(", ", rule.ItemCodes)}",
                next.DoctorId, rule.LineIds, next.DecidedAt, Inferred: true));
        }
    }

    /// <summary>True when <paramref name="next"/> still has one of the items, flagged again by the same rule.</summary>
    private static bool StillFlagged(FlaggedRule rule, DecisionRecord next)
    {
        foreach (var finding in next.Findings)
        {
            if (finding.Silent || finding.RuleId != rule.RuleId)
            {
                continue;
            }

            foreach (var lineId in finding.LineIds)
            {
                if (ItemOf(next, lineId) is { } item && rule.ItemCodes.Contains(item))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The decision's active findings, one entry per rule, with the lines and items they name.</summary>
    private static List<FlaggedRule> Flagged(DecisionRecord decision)
    {
        var rules = new List<FlaggedRule>();
        foreach (var finding in decision.Findings)
        {
            if (finding.Silent)
            {
                continue;
            }

            var rule = rules.Find(r => r.RuleId == finding.RuleId);
            if (rule is null)
            {
                rules.Add(rule = new FlaggedRule(finding.RuleId, [], new HashSet<string>(StringComparer.Ordinal)));
            }

            foreach (var lineId in finding.LineIds)
            {
                if (!rule.LineIds.Contains(lineId))
                {
                    rule.LineIds.Add(lineId);
                }

                if (ItemOf(decision, lineId) is { } item)
                {
                    rule.ItemCodes.Add(item);
                }
            }
        }

        return rules;
    }

    private static string? ItemOf(DecisionRecord decision, string lineId)
    {
        foreach (var line in decision.Lines)
        {
            if (line.LineId == lineId)
            {
                return line.ItemCode;
            }
        }

        return null;
    }

    private static Tally For(Dictionary<string, Tally> tallies, string key)
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new Tally(key);
        }

        return tally;
    }

    private static List<ComplianceRow> Rows(Dictionary<string, Tally> tallies) =>
        [.. tallies.Values.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.ToRow())];

    private sealed record FlaggedDecision(string RequestId, List<FlaggedRule> Rules);

    private sealed record FlaggedRule(string RuleId, List<string> LineIds, HashSet<string> ItemCodes);

    private sealed record Reminder(string Hospital, string Department, string Doctor, string Rule, bool InferredChanged = false);

    /// <summary>What became of one reminder: the explicit feedback's kind and reason (null without any), else whether a change was inferred.</summary>
    private readonly record struct Outcome(string? Kind, string? OverrideReason, bool InferredChanged);

    private sealed class Tally(string key)
    {
        private readonly SortedDictionary<string, long> _reasons = new(StringComparer.Ordinal);
        private long _reminders, _followed, _inferred, _overridden, _dismissed, _none;

        public string Key => key;

        public void Add(Outcome outcome)
        {
            _reminders++;
            switch (outcome.Kind)
            {
                case Changed:
                    _followed++;
                    break;
                case Overridden:
                    _overridden++;
                    var reason = outcome.OverrideReason ?? "UNSPECIFIED";
                    _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
                    break;
                case Dismissed:
                    _dismissed++;
                    break;
                case null when outcome.InferredChanged:
                    _followed++;
                    _inferred++;
                    break;
                default:
                    _none++;
                    break;
            }
        }

        public ComplianceRow ToRow() => new(key, _reminders, _followed, _inferred, _overridden, _dismissed, _none,
            new Dictionary<string, long>(_reasons, StringComparer.Ordinal));
    }
}
