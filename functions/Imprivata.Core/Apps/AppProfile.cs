namespace Imprivata.Core.Apps;

/// <summary>
/// An administrator's view of a single sign-on application: names and deployment.
/// The protocol registration (client id, secret hash, redirect URIs) lives with OpenIddict under the same ClientId.
/// </summary>
public sealed record AppProfile
{
    public required string ClientId { get; init; }
    public required string Protocol { get; init; }
    /// <summary>Name shown to administrators only.</summary>
    public required string AdminName { get; init; }
    /// <summary>Name shown to users when they sign in.</summary>
    public required string DisplayName { get; init; }
    public AppDeployment Deployment { get; init; } = new();
    /// <summary>Where the app takes OIDC back-channel logout tokens (its session ends with ours); null when it does not.</summary>
    public Uri? BackchannelLogoutUri { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public static class AppProtocols
{
    public const string OpenIdConnect = "oidc";
}

/// <summary>The reference product's Deploy dialog.</summary>
public sealed record AppDeployment
{
    public bool Deployed { get; init; }
    public bool AllUsersAndGroups { get; init; }
    public bool AllAdministratorsMayDeploy { get; init; }
    public IReadOnlyList<string> Domains { get; init; } = [];
    public IReadOnlyList<string> OrganizationalUnits { get; init; } = [];
    public IReadOnlyList<string> GroupIds { get; init; } = [];
    public IReadOnlyList<string> UserIds { get; init; } = [];
}

public interface IAppProfileStore
{
    Task<AppProfile?> FindAsync(string clientId, CancellationToken ct);
    Task SaveAsync(AppProfile profile, CancellationToken ct);
    Task<bool> DeleteAsync(string clientId, CancellationToken ct);
    IAsyncEnumerable<AppProfile> ListAsync(CancellationToken ct);
}
