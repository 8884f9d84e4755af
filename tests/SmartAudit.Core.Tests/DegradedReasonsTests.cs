using SmartAudit.Core.Audit;

namespace SmartAudit.Core.Tests;

public class DegradedReasonsTests
{
    [Fact]
    public void Current_NothingDegraded_TheSameEmptyList()
    {
        var reasons = new DegradedReasons([new Source(null), new Source(null)]);

        Assert.Empty(reasons.Current());
        Assert.Same(reasons.Current(), reasons.Current());
    }

    [Fact]
    public void Current_SomeDegraded_TheirReasonsInRegistrationOrder()
    {
        var log = new Source("decision log spooling to disk");
        var reasons = new DegradedReasons([new Source("history store unavailable"), new Source(null), log]);

        Assert.Equal(["history store unavailable", "decision log spooling to disk"], reasons.Current());
        log.Reason = null;
        Assert.Equal(["history store unavailable"], reasons.Current());
    }

    private sealed class Source(string? reason) : IDegradationSource
    {
        public string? Reason { get; set; } = reason;

        public string? DegradedReason => Reason;
    }
}
