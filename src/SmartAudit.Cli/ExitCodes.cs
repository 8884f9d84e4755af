namespace SmartAudit.Cli;

/// <summary>What <c>smartaudit</c> exits with, the same for every command, so scripts and CI can rely on it.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked, and what it checked is good.</summary>
    public const int Success = 0;

    /// <summary>The command ran, and what it checked has problems (e.g. the rule set does not compile).</summary>
    public const int Problems = 1;

    /// <summary>The command could not run: unknown command, missing or extra argument, folder not found.</summary>
    public const int Usage = 2;
}
