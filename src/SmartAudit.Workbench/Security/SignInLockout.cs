using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SmartAudit.Workbench.Security;

/// <summary>
/// Locks an account after <see cref="WorkbenchOptions.LockoutFailures"/> wrong passwords within
/// <see cref="WorkbenchOptions.LockoutWindow"/>, for <see cref="WorkbenchOptions.LockoutDuration"/>: while locked,
/// the right password is refused too, so guessing gets a handful of tries per quarter hour. Kept per instance, by
/// user name (case-insensitive) whether or not the account exists, so the answer tells nothing of which exist.
/// </summary>
public sealed class SignInLockout(IOptions<WorkbenchOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Attempts> _byUser = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Until when <paramref name="userName"/> is locked, or null.</summary>
    public DateTimeOffset? LockedUntil(string userName)
    {
        var now = clock.GetUtcNow();
        return _byUser.TryGetValue(userName, out var attempts) && attempts.LockedUntil is { } until && until > now ? until : null;
    }

    /// <summary>Counts a failed sign-in; returns until when the account is locked now, if this failure locked it.</summary>
    public DateTimeOffset? Failed(string userName)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var attempts = _byUser.AddOrUpdate(userName, _ => new Attempts([now], null), (_, before) =>
        {
            var recent = before.Failures.Where(t => now - t < settings.LockoutWindow).Append(now).TakeLast(settings.LockoutFailures).ToArray();
            return new Attempts(recent, before.LockedUntil > now ? before.LockedUntil : null);
        });
        if (attempts.LockedUntil is null && attempts.Failures.Length >= settings.LockoutFailures)
        {
            var until = now + settings.LockoutDuration;
            _byUser[userName] = attempts with { LockedUntil = until, Failures = [] };
            return until;
        }

        return null;
    }

    /// <summary>A successful sign-in clears the count.</summary>
    public void Succeeded(string userName) => _byUser.TryRemove(userName, out _);

    private sealed record Attempts(DateTimeOffset[] Failures, DateTimeOffset? LockedUntil);
}
