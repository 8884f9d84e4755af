using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Workbench;

/// <summary>
/// Section <c>Workbench</c>: the fraud team's web workbench over flagged cases, served by this host on its own
/// HTTP/1.1 address (browsers do not speak cleartext HTTP/2, which the gRPC address uses). Off unless enabled;
/// <c>--workbench</c> turns it on with demo cases and one-time demo accounts.
/// </summary>
public sealed class WorkbenchOptions
{
    public const string SectionName = "Workbench";

    /// <summary>Serve the workbench. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the workbench listens, <c>;</c>-separated. Default <c>http://127.0.0.1:5081</c>. Put TLS in front of it anywhere but loopback.</summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:5081";

    /// <summary>
    /// Accounts for the embedded sign-in: user name, display name, role (<c>reviewer</c> or <c>lead</c>) and a
    /// password hash made by <c>smartaudit workbench hash-password</c> (ASP.NET Core Identity's PBKDF2 format).
    /// Empty by default; with none configured, <see cref="DemoAccounts"/> decides whether demo accounts are made.
    /// </summary>
    public List<WorkbenchAccount> Users { get; set; } = [];

    /// <summary>
    /// With no <see cref="Users"/>, make a demo reviewer, a second reviewer and a lead with random passwords printed
    /// once on the console (never logged). Default false; <c>--workbench</c> sets it.
    /// </summary>
    public bool DemoAccounts { get; set; }

    /// <summary>
    /// Simulated settled claims to audit at POST at start-up so that a new workbench has cases to review (the
    /// fraud model's simulator, through the real auditor). Default 0; <c>--workbench</c> sets 3000.
    /// </summary>
    [Range(0, 1_000_000)]
    public int DemoClaims { get; set; }

    /// <summary>Case decisions in the embedded default (JSON lines). Default <c>var/case-decisions.jsonl</c>.</summary>
    public string DecisionsPath { get; set; } = "var/case-decisions.jsonl";

    /// <summary>Sign-in lifetime, sliding. Default 8 hours (a working day).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Production sign-in through the organisation's OpenID Connect provider; off unless its authority is set.</summary>
    public Accounts.WorkbenchOidcOptions Oidc { get; set; } = new();

    /// <summary>Wrong passwords in a row, within <see cref="LockoutWindow"/>, after which an account is locked. Default 5.</summary>
    [Range(1, 1000)]
    public int LockoutFailures { get; set; } = 5;

    /// <summary>How far back failed sign-ins count toward <see cref="LockoutFailures"/>. Default 15 minutes.</summary>
    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked account refuses every password, the right one too. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>One embedded account. Production signs in through the organisation's OpenID Connect provider (docs/workbench.md).</summary>
public sealed class WorkbenchAccount
{
    [Required]
    public string UserName { get; set; } = string.Empty;

    public string? DisplayName { get; set; }

    /// <summary><c>reviewer</c> or <c>lead</c>.</summary>
    [Required]
    public string Role { get; set; } = "reviewer";

    /// <summary>ASP.NET Core Identity password hash (v3: PBKDF2-HMAC-SHA512); never the password itself.</summary>
    [Required]
    public string PasswordHash { get; set; } = string.Empty;
}
