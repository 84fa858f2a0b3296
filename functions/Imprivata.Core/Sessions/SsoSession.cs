namespace Imprivata.Core.Sessions;

/// <summary>One browser's single sign-on session across apps. The cookie carries only the random Id.</summary>
public sealed record SsoSession
{
    /// <summary>At least 128 random bits, base64url. Rotated after each authentication step.</summary>
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required DateTimeOffset AuthenticatedAt { get; init; }
    /// <summary>Absolute end; null when the administrator turned automatic logout off.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>RFC 8176 method references actually performed, e.g. ["pwd"].</summary>
    public IReadOnlyList<string> Amr { get; init; } = [];
    /// <summary>
    /// The session's public identifier (OIDC Front/Back-Channel Logout "sid"): random, unlike <see cref="Id"/> never a
    /// credential, and kept when a step-up re-issues the cookie, so apps can match a logout to the session they joined.
    /// Empty for a session started before sids existed.
    /// </summary>
    public string Sid { get; init; } = "";
    /// <summary>Client ids that received tokens in this session (for logout).</summary>
    public IReadOnlyList<string> ClientIds { get; init; } = [];
}

public interface ISsoSessionStore
{
    Task<SsoSession?> FindAsync(string id, CancellationToken ct);
    Task SaveAsync(SsoSession session, CancellationToken ct);
    Task DeleteAsync(string id, CancellationToken ct);
    /// <summary>Every stored session of a user, ended or not (an administrator's action; scans the sessions, not a hot path).</summary>
    IAsyncEnumerable<SsoSession> ListByUserAsync(string userId, CancellationToken ct);
    /// <summary>Removes sessions that ended before <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
