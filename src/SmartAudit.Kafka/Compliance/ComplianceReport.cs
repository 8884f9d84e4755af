using SmartAudit.Core.Decisions;

namespace SmartAudit.Kafka.Compliance;

/// <summary>
/// The period a compliance report covers: reminders given in [<see cref="From"/>, <see cref="To"/>), and
/// what doctors did about them up to <see cref="FollowUp"/> after <see cref="To"/> (feedback sent the next
/// morning, a request changed after the end of the day still counts for the reminder).
/// </summary>
public sealed record ComplianceWindow(DateTimeOffset From, DateTimeOffset To, TimeSpan FollowUp)
{
    /// <summary>Default follow-up: a day.</summary>
    public static readonly TimeSpan DefaultFollowUp = TimeSpan.FromDays(1);

    /// <summary>Whole days from <paramref name="first"/> to <paramref name="last"/> inclusive, in the fund's calendar (UTC offset).</summary>
    public static ComplianceWindow Days(DateOnly first, DateOnly last, TimeSpan utcOffset, TimeSpan? followUp = null)
    {
        if (last < first)
        {
            throw new ArgumentException($"the window ends ({last:yyyy-MM-dd}) before it starts ({first:yyyy-MM-dd})", nameof(last));
        }

        return new ComplianceWindow(
            new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), utcOffset),
            new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), utcOffset),
            followUp ?? DefaultFollowUp);
    }

    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;

    /// <summary>Records after this instant cannot change the report.</summary>
    public DateTimeOffset ReadUntil => To + FollowUp;
}

/// <summary>
/// Pre-alert compliance (事前提醒遵从率) for a window: per hospital, department, doctor and rule, how many
/// reminders were given and what the doctors did. A reminder is one rule's active finding on a PRE
/// decision; it is <em>followed</em> when the doctor changed the order (said so, or sent the order again
/// without the flagged line: inferred); the rate is followed / reminders.
/// </summary>
public sealed record ComplianceReport(
    ComplianceWindow Window,
    ComplianceRow Total,
    IReadOnlyList<ComplianceRow> ByHospital,
    IReadOnlyList<ComplianceRow> ByDepartment,
    IReadOnlyList<ComplianceRow> ByDoctor,
    IReadOnlyList<ComplianceRow> ByRule,
    IReadOnlyList<FeedbackRecord> InferredFeedback,
    ComplianceInputs Inputs);

/// <summary>What a report was computed from, to judge it by.</summary>
/// <param name="Decisions">Decision records read (every stage, duplicates included).</param>
/// <param name="PreDecisions">Distinct PRE decisions among them.</param>
/// <param name="Feedback">Feedback records read (duplicates included).</param>
/// <param name="UnmatchedFeedback">Feedback about a request id that was not a reminder of the window.</param>
/// <param name="Unreadable">Records skipped because they were not a known schema or not valid JSON.</param>
public sealed record ComplianceInputs(long Decisions, long PreDecisions, long Feedback, long UnmatchedFeedback, long Unreadable);

/// <summary>One line of the report: one hospital, department, doctor or rule (or the total).</summary>
/// <param name="Key">The hospital id, department, doctor id or rule id; "total" for the total.</param>
/// <param name="Reminders">Reminders given.</param>
/// <param name="Followed">Reminders after which the order was changed, explicitly or inferred.</param>
/// <param name="FollowedInferred">Of <paramref name="Followed"/>, those known only by inference.</param>
/// <param name="Overridden">Reminders overridden with a reason.</param>
/// <param name="Dismissed">Reminders dismissed without acting.</param>
/// <param name="NoResponse">Reminders with no feedback and no changed request.</param>
/// <param name="OverridesByReason">Overrides per reason code (<c>EMERGENCY</c>, …), only reasons that occur.</param>
public sealed record ComplianceRow(
    string Key,
    long Reminders,
    long Followed,
    long FollowedInferred,
    long Overridden,
    long Dismissed,
    long NoResponse,
    IReadOnlyDictionary<string, long> OverridesByReason)
{
    /// <summary>Followed / reminders; null without reminders.</summary>
    public double? ComplianceRate => Reminders == 0 ? null : (double)Followed / Reminders;
}
