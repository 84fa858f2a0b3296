namespace Imprivata.Core.Mfa.TemporaryCodes;

/// <summary>
/// A helpdesk-issued code that stands in for a user's second factor. Only a keyed hash of the code is stored; the code
/// itself is shown once, to the issuing administrator. At most one per user: issuing again replaces it.
/// </summary>
public sealed record TemporaryCode
{
    public required string UserId { get; init; }
    /// <summary>HMAC-SHA256 of the code bound to the user (<see cref="ICodeHasher"/>).</summary>
    public required byte[] Hash { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Username of the administrator who issued it.</summary>
    public required string IssuedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public int UseCount { get; init; }
    public string? Version { get; init; }
}

/// <summary>Why a code no longer works, or <see cref="Active"/>.</summary>
public enum TemporaryCodeState
{
    Active,
    Expired,
    Revoked,
    /// <summary>The user enrolled, or used an enrolled factor, after the code was issued.</summary>
    Superseded,
    /// <summary>The user now holds an administrator role and the code's issuer is not a superadmin.</summary>
    IssuerMayNotStandIn,
}

/// <summary>One row per user.</summary>
public interface ITemporaryCodeStore
{
    Task<TemporaryCode?> FindAsync(string userId, CancellationToken ct);
    /// <summary>Inserts or replaces the user's code unconditionally (issuing replaces any earlier code).</summary>
    Task<TemporaryCode> SaveAsync(TemporaryCode code, CancellationToken ct);
    /// <summary>Replaces only if unchanged since read (Version); null when another writer won or the row is gone.</summary>
    Task<TemporaryCode?> TryUpdateAsync(TemporaryCode code, CancellationToken ct);
    IAsyncEnumerable<TemporaryCode> ListAsync(CancellationToken ct);
}

/// <summary>Keyed one-way hash for short codes: a plain hash of 10 digits is reversed by trying them all, a keyed one is not without the key.</summary>
public interface ICodeHasher
{
    ValueTask<byte[]> HashAsync(string code, string context, CancellationToken ct);
}
