namespace Imprivata.Core.Radius;

/// <summary>
/// One Access-Request as the gateway sent it: the edge, the NAS address, the RADIUS Identifier and Request Authenticator
/// (RFC 5080 2.2.2: a retransmission carries the same four). The first copy to arrive owns it and records its answer; a
/// copy forwarded again (with a new request id) is answered with the same outcome, never decided twice.
/// </summary>
public sealed record RadiusExchange
{
    /// <summary>A digest of (edge, NAS address, Identifier, Request Authenticator).</summary>
    public required string Key { get; init; }
    /// <summary>The request id of the copy that decides.</summary>
    public required string OwnerRequestId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Null while the owner is still deciding.</summary>
    public RadiusOutcome? Outcome { get; init; }
    public string? Version { get; init; }
}

public interface IRadiusExchangeStore
{
    /// <summary>Inserts; null when the exchange already exists (another copy owns it).</summary>
    Task<RadiusExchange?> TryAddAsync(RadiusExchange exchange, CancellationToken ct);
    Task<RadiusExchange?> FindAsync(string key, CancellationToken ct);
    /// <summary>Replaces it if unchanged since read; null when another writer changed it.</summary>
    Task<RadiusExchange?> TryUpdateAsync(RadiusExchange exchange, CancellationToken ct);
    /// <summary>Deletes exchanges created before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}
