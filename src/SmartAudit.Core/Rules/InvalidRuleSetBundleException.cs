namespace SmartAudit.Core.Rules;

/// <summary>
/// A rule-set bundle that must not be used, with every reason found: not gzip, over a size limit, not a bundle
/// of a known format, members missing or null, files that do not hash to the recorded content hash, or rules
/// that do not compile. Expected bad data, so callers refuse the bundle and report the reasons; any other
/// exception while opening a bundle is a bug.
/// </summary>
public sealed class InvalidRuleSetBundleException : Exception
{
    public InvalidRuleSetBundleException()
        : this("not a usable rule-set bundle")
    {
    }

    public InvalidRuleSetBundleException(string message)
        : this([message], null)
    {
    }

    public InvalidRuleSetBundleException(string message, Exception? innerException)
        : this([message], innerException)
    {
    }

    public InvalidRuleSetBundleException(IReadOnlyList<string> problems, Exception? innerException = null)
        : base(Describe(problems), innerException)
    {
        Problems = problems;
    }

    /// <summary>Each reason the bundle was refused, one line each (the message joins them).</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "not a usable rule-set bundle",
            1 => problems[0],
            _ => $"{problems.Count} problems: {string.Join("; ", problems)}",
        };
    }
}
