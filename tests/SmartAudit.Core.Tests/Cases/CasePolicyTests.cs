using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;

namespace SmartAudit.Core.Tests.Cases;

public sealed class CasePolicyTests
{
    private static DecisionRecord Decision(string stage, string action, double? score = null) =>
        new(DecisionRecord.SchemaV1, "R1", DateTimeOffset.UnixEpoch, stage, "P1", "E1", "OUTPATIENT", "H1", 2, "A03", "D1", action, [], "v", null, false, [], 5, [],
            score is { } s ? new FraudRecord(s, []) : null);

    [Theory]
    [InlineData("POST", "REMIND", null, true)]
    [InlineData("POST", "PASS", 0.99, false)]
    [InlineData("PRE", "WARN", null, false)]
    [InlineData("PRE", "BLOCK", null, true)]
    [InlineData("MID", "WARN", 0.85, true)]
    [InlineData("MID", "REMIND", 0.5, false)]
    public void Raises_PostFlagsAndSeriousPreMid(string stage, string action, double? score, bool raised)
    {
        Assert.Equal(raised, new CasePolicy().Raises(Decision(stage, action, score)));
    }
}
