namespace Imprivata.Core.Sessions;

/// <summary>A signed-in administrator. Stored under a hash of the cookie value, so a table dump gives no live session.</summary>
public sealed record AdminSession
{
    public required string UserId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset LastSeenAt { get; init; }
    /// <summary>Anti-CSRF token bound to this session: forms echo it in "_csrf", API clients in the X-Imp-Csrf header.</summary>
    public required string CsrfToken { get; init; }
}

public interface IAdminSessionStore
{
    Task<AdminSession?> FindAsync(string sessionKey, CancellationToken ct);
    Task SaveAsync(string sessionKey, AdminSession session, CancellationToken ct);
    Task DeleteAsync(string sessionKey, CancellationToken ct);
}
