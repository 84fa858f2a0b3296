namespace Imprivata.Core.Radius;

/// <summary>
/// Persistence of the RADIUS client profiles (few rows; every request reads its client, so stores may cache briefly). Stores
/// keep <see cref="RadiusClientProfile.Secrets"/> encrypted at rest and return them opened.
/// </summary>
public interface IRadiusClientStore
{
    /// <summary>Every profile, by name.</summary>
    Task<IReadOnlyList<RadiusClientProfile>> ListAsync(CancellationToken ct);
    /// <summary>The profile of this client name (case-insensitive), or null.</summary>
    Task<RadiusClientProfile?> FindAsync(string name, CancellationToken ct);
    /// <summary>Inserts or replaces the profile of <see cref="RadiusClientProfile.Name"/>.</summary>
    Task SaveAsync(RadiusClientProfile profile, CancellationToken ct);
    Task<bool> DeleteAsync(string name, CancellationToken ct);
}
