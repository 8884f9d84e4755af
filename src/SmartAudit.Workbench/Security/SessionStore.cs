using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SmartAudit.Workbench.Security;

/// <summary>
/// Server-side sessions: the cookie carries only a random session key, and the sign-in itself stays here, so
/// signing out ends the session everywhere (a copied cookie no longer works), and <see cref="RevokeUser"/> ends
/// every session of a person whose role changed or who left. Per instance; expired sessions are dropped as they
/// are met and every hour.
/// </summary>
public sealed class SessionStore(TimeProvider clock) : ITicketStore
{
    private readonly ConcurrentDictionary<string, AuthenticationTicket> _sessions = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep;

    /// <summary>Sessions held now (for health and tests).</summary>
    public int Count => _sessions.Count;

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        Sweep();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _sessions[key] = ticket;
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        if (_sessions.ContainsKey(key))
        {
            _sessions[key] = ticket; // a session revoked meanwhile is not brought back
        }

        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!_sessions.TryGetValue(key, out var ticket))
        {
            return Task.FromResult<AuthenticationTicket?>(null);
        }

        if (ticket.Properties.ExpiresUtc is { } expires && expires <= clock.GetUtcNow())
        {
            _sessions.TryRemove(key, out _);
            return Task.FromResult<AuthenticationTicket?>(null);
        }

        return Task.FromResult<AuthenticationTicket?>(ticket);
    }

    public Task RemoveAsync(string key)
    {
        _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    /// <summary>Ends every session of <paramref name="userName"/>; returns how many.</summary>
    public int RevokeUser(string userName)
    {
        var ended = 0;
        foreach (var (key, ticket) in _sessions)
        {
            if (string.Equals(ticket.Principal.Identity?.Name, userName, StringComparison.OrdinalIgnoreCase) && _sessions.TryRemove(key, out _))
            {
                ended++;
            }
        }

        return ended;
    }

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now.AddHours(1);
        foreach (var (key, ticket) in _sessions)
        {
            if (ticket.Properties.ExpiresUtc is { } expires && expires <= now)
            {
                _sessions.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>Points the cookie handler at the <see cref="SessionStore"/> singleton.</summary>
internal sealed class SessionStoreSetup(SessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}
