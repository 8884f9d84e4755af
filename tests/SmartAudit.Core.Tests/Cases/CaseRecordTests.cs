using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Core.Tests.Cases;

/// <summary>The case a decision raises: its amounts, whatever the lines say.</summary>
public sealed class CaseRecordTests
{
    private static DecisionRecord Decision(IReadOnlyList<string> flaggedLines, params long[] amounts) =>
        new(DecisionRecord.SchemaV1, "R1", DateTimeOffset.UnixEpoch, "POST", "P1", "E1", "OUTPATIENT", "H1", 2, "A03", "D1", "WARN",
            [new FindingRecord("GZ-PRC-001", "OVER_STANDARD_PRICE", "WARN", "CERTAIN", false, "m", "m", flaggedLines)], "v", null, false, [], 5,
            [.. amounts.Select((a, i) => new LineRecord($"{i + 1}", "X", "DRUG", 1, a, a))]);

    [Fact]
    public void From_LinesAddUp_ClaimAndFlaggedAmounts()
    {
        var record = CaseRecord.From(Decision(["2"], 100, 250, 400), source: null);

        Assert.Equal(750, record.ClaimAmountFen);
        Assert.Equal(250, record.FlaggedAmountFen);
    }

    // Issue 16 item 2: two amounts near long.MaxValue overflowed Enumerable.Sum (checked) in the case intake and stopped the host.
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a finding on the whole encounter: the flagged amount is the claim's
    public void From_AmountsNearLongMax_SaturatesInsteadOfThrowing(bool wholeEncounter)
    {
        string[] flaggedLines = wholeEncounter ? [] : ["1", "2"];
        var record = CaseRecord.From(Decision(flaggedLines, long.MaxValue - 1, long.MaxValue - 1, 5), source: null);

        Assert.Equal(long.MaxValue, record.ClaimAmountFen);
        Assert.Equal(long.MaxValue, record.FlaggedAmountFen);
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(long.MaxValue, 1, long.MaxValue)]
    [InlineData(long.MaxValue - 1, long.MaxValue - 1, long.MaxValue)]
    [InlineData(long.MinValue, -1, long.MinValue)]
    [InlineData(long.MaxValue, long.MinValue, -1)]
    public void AddSaturating_HoldsAtTheRangeEnds(long a, long b, long expected)
    {
        Assert.Equal(expected, Fen.AddSaturating(a, b));
    }
}
