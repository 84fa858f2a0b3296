namespace Imprivata.Core.Radius;

/// <summary>
/// A one-time integration token an administrator issued to connect an edge: stored only as the SHA-256 hash of its secret,
/// valid for <see cref="Lifetime"/>, used once (a conditional replace, so of two parallel connects exactly one wins).
/// </summary>
public sealed record EdgeIntegrationToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>base64url(SHA-256(secret)).</summary>
    public required string Hash { get; init; }
    public required string IssuedBy { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; init; }
    /// <summary>The edge that connected with it.</summary>
    public string? UsedBy { get; init; }
    /// <summary>The row version it was read with (ETag); null for a token not read from the store.</summary>
    public string? Version { get; init; }
}

public interface IEdgeIntegrationTokenStore
{
    Task AddAsync(EdgeIntegrationToken token, CancellationToken ct);
    Task<EdgeIntegrationToken?> FindAsync(string hash, CancellationToken ct);
    /// <summary>Marks it used by <paramref name="edgeId"/> if unchanged since read: true for exactly one of racing uses.</summary>
    Task<bool> TryUseAsync(EdgeIntegrationToken token, string edgeId, DateTimeOffset usedAt, CancellationToken ct);
    /// <summary>Deletes tokens that expired before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>The enterprise's integration ID: generated once per deployment, then always the same.</summary>
public interface IEdgeIntegrationId
{
    Task<string> GetAsync(CancellationToken ct);
}
