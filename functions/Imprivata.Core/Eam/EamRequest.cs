namespace Imprivata.Core.Eam;

/// <summary>
/// An accepted request from Entra, kept while the user completes the second factor: what the answer must echo and bind to.
/// The browser holds only its random id (through the pending login's return URL).
/// </summary>
public sealed record EamRequest
{
    public required string Id { get; init; }
    public required string ClientId { get; init; }
    /// <summary>Validated against the profile; the only place the answer is ever posted.</summary>
    public required string RedirectUri { get; init; }
    /// <summary>Echoed only when Entra sent one.</summary>
    public string? State { get; init; }
    public required string Nonce { get; init; }
    /// <summary>The hint's sub (pairwise), repeated as our id_token's sub.</summary>
    public required string Subject { get; init; }
    public required string TenantId { get; init; }
    public required string ObjectId { get; init; }
    /// <summary>The directory user the hint's (tid, oid) mapped to: only they may complete this request.</summary>
    public required string UserId { get; init; }
    public required EamClaimsRequest Claims { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

public interface IEamRequestStore
{
    Task SaveAsync(EamRequest request, CancellationToken ct);
    Task<EamRequest?> FindAsync(string id, CancellationToken ct);
    Task DeleteAsync(string id, CancellationToken ct);
    /// <summary>
    /// Records <paramref name="key"/> as used until <paramref name="expiresAt"/>: true for the first caller only (an insert
    /// only one writer wins), so a request (nonce + hint) or an answer is accepted once, across instances.
    /// </summary>
    Task<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, CancellationToken ct);
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}

/// <summary>Entra users (tenant id, object id) linked to directory users: how a hint finds its user.</summary>
public interface IEntraUserLinkStore
{
    Task<string?> FindUserIdAsync(string tenantId, string objectId, CancellationToken ct);
    Task LinkAsync(string tenantId, string objectId, string userId, CancellationToken ct);
    Task<bool> UnlinkAsync(string tenantId, string objectId, CancellationToken ct);
}
