using SmartAudit.Core.Audit;
using SmartAudit.Core.Cases;
using SmartAudit.Fraud.Simulation;

namespace SmartAudit.Cli.Model;

/// <summary>How many cases ended how, for the export's summary.</summary>
internal sealed record LabelCounts(int Confirmed, int FalsePositive, int NeedsInformation, int Undecided);

/// <summary>
/// The fraud team's outcomes as training labels for <c>smartaudit model train</c>: each case's final outcome
/// (its latest second review or reversal) becomes one row of the trainer's format, the claim rebuilt from the
/// case record with label 1 for a confirmed violation and 0 for a false positive. Cases waiting for more
/// information, or not decided yet, give no row.
/// </summary>
/// <remarks>
/// A case record keeps the claim's encounter and lines as the decision log does, not the whole request: the
/// patient's sex and date of birth, the diagnoses, the stay's dates and the lines' dates and doses are not in it.
/// The rebuilt claim says so rather than guessing: sex 0 (unknown), date of birth 0001-01-01, no diagnoses, every
/// line on the day the case was flagged, no dose or days of supply. Rules that read those (sex, age, indication,
/// excess quantity) do not replay on these rows as they fired on the real claim. Every row's pattern is
/// <see cref="FraudPattern.None"/>: the simulator's truth does not exist for real cases, the label is the team's.
/// </remarks>
internal static class CaseLabels
{
    /// <summary>The label of a case's final outcome: true (fraud) for CONFIRMED, false for FALSE_POSITIVE, null otherwise.</summary>
    public static bool? LabelOf(CaseState state) => state.Final?.Outcome switch
    {
        CaseOutcome.Confirmed => true,
        CaseOutcome.FalsePositive => false,
        _ => null,
    };

    /// <summary>The rows of every decided case in <paramref name="store"/>, in settlement order, and what every case ended as.</summary>
    /// <exception cref="InvalidDataException">A case's stage, encounter kind or item kind is not one the contract knows.</exception>
    public static async Task<(List<SimulatedClaim> Rows, LabelCounts Counts)> FromAsync(ICaseStore store)
    {
        var rows = new List<SimulatedClaim>();
        int confirmed = 0, falsePositive = 0, needsInformation = 0, undecided = 0;
        var query = new CaseQuery { Status = StatusFilter.All, PageSize = CaseQuery.MaxPageSize };
        for (var page = await store.QueryAsync(query); page.Items.Count > 0; page = await store.QueryAsync(query = query with { Page = query.Page + 1 }))
        {
            foreach (var row in page.Items)
            {
                var file = (await store.GetAsync(row.CaseId))!;
                var state = file.State;
                if (LabelOf(state) is { } label)
                {
                    rows.Add(new SimulatedClaim(Claim(file.Record), FraudPattern.None, label));
                    _ = label ? confirmed++ : falsePositive++;
                }
                else
                {
                    _ = state.Status == CaseStatus.NeedsInformation ? needsInformation++ : undecided++;
                }
            }
        }

        rows.Sort((a, b) => a.SettledOn != b.SettledOn ? a.SettledOn.CompareTo(b.SettledOn) : string.CompareOrdinal(a.Request.RequestId, b.Request.RequestId));
        return (rows, new LabelCounts(confirmed, falsePositive, needsInformation, undecided));
    }

    /// <summary>The claim as far as the case record keeps it (see the remarks for what it does not).</summary>
    public static AuditRequest Claim(CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var day = DateOnly.FromDateTime(record.FlaggedAt.DateTime);
        var lines = record.Lines.Select(l => new OrderLine(l.LineId, l.ItemCode, Parse<ItemKind>(record, "item kind", l.ItemKind), string.Empty,
            l.Quantity, l.UnitPriceFen, l.AmountFen, 0, 0, record.FlaggedAt, day)).ToList();
        return new AuditRequest(
            record.CaseId,
            Parse<Stage>(record, "stage", record.Stage),
            new Patient(record.PatientId, 0, DateOnly.MinValue, InsuranceType.Unspecified, string.Empty),
            new Encounter(record.EncounterId, Parse<EncounterKind>(record, "encounter kind", record.EncounterKind), record.HospitalId, record.HospitalLevel,
                record.Department, null, null, [], record.DoctorId),
            lines);
    }

    private static T Parse<T>(CaseRecord record, string what, string value)
        where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidDataException($"case {record.CaseId}: unknown {what} '{value}'");
}
