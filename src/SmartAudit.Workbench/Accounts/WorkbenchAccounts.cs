using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench.Accounts;

/// <summary>
/// The embedded sign-in: accounts from configuration, passwords checked against their PBKDF2 hashes. With no
/// accounts configured and demo accounts asked for, three accounts with random one-time passwords.
/// </summary>
public sealed class WorkbenchAccounts
{
    private static readonly PasswordHasher<string> Hasher = new();
    private readonly Dictionary<string, (Reviewer Reviewer, string Hash)> _accounts = new(StringComparer.Ordinal);

    public WorkbenchAccounts(IOptions<WorkbenchOptions> options)
    {
        var configured = options.Value.Users;
        foreach (var account in configured)
        {
            var role = ParseRole(account.Role) ?? throw new OptionsValidationException(WorkbenchOptions.SectionName, typeof(WorkbenchOptions),
                [$"Workbench:Users: {account.UserName}: role '{account.Role}' is not 'reviewer' or 'lead'"]);
            _accounts[account.UserName] = (new Reviewer(account.UserName, account.DisplayName ?? account.UserName, role), account.PasswordHash);
        }

        if (configured.Count == 0 && options.Value.DemoAccounts)
        {
            foreach (var (name, display, role) in new[]
            {
                ("reviewer", "王审核 Wang (reviewer)", ReviewRole.Reviewer),
                ("reviewer2", "赵审核 Zhao (reviewer)", ReviewRole.Reviewer),
                ("lead", "李组长 Li (lead)", ReviewRole.Lead),
            })
            {
                var password = RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 12);
                DemoPasswords.Add((name, password));
                _accounts[name] = (new Reviewer(name, display, role), Hash(password));
            }
        }
    }

    /// <summary>The demo accounts' one-time passwords, for the console; empty unless demo accounts were made.</summary>
    public List<(string UserName, string Password)> DemoPasswords { get; } = [];

    public int Count => _accounts.Count;

    public IEnumerable<Reviewer> All => _accounts.Values.Select(a => a.Reviewer).OrderBy(r => r.UserName, StringComparer.Ordinal);

    /// <summary>The reviewer when the password matches; null otherwise (unknown user and wrong password look the same).</summary>
    public Reviewer? SignIn(string userName, string password)
    {
        if (!_accounts.TryGetValue(userName ?? string.Empty, out var account))
        {
            Hasher.VerifyHashedPassword(userName ?? string.Empty, DummyHash, password ?? string.Empty); // same time either way
            return null;
        }

        return Hasher.VerifyHashedPassword(userName!, account.Hash, password ?? string.Empty) == PasswordVerificationResult.Failed ? null : account.Reviewer;
    }

    public static string Hash(string password) => Hasher.HashPassword(string.Empty, password);

    public static ReviewRole? ParseRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "reviewer" => ReviewRole.Reviewer,
        "lead" => ReviewRole.Lead,
        _ => null,
    };

    private static readonly string DummyHash = Hash(Guid.NewGuid().ToString());
}
