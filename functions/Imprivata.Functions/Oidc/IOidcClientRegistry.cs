namespace Imprivata.Functions.Oidc;

/// <summary>
/// The OpenID Connect client registration behind an app profile (implemented over OpenIddict's application manager).
/// The admin console only ever sees a client secret once, as returned here; the registry keeps a hash.
/// </summary>
public interface IOidcClientRegistry
{
    /// <summary>Registers a confidential client that requires PKCE; returns the plain secret.</summary>
    Task<string> CreateAsync(string clientId, string displayName, IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri> postLogoutRedirectUris, CancellationToken ct) =>
        CreateAsync(clientId, displayName, redirectUris, postLogoutRedirectUris, requirePkce: true, ct);
    /// <summary>Registers a confidential client; returns the plain secret. <paramref name="requirePkce"/> false lets it redeem codes with its secret alone.</summary>
    Task<string> CreateAsync(string clientId, string displayName, IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri> postLogoutRedirectUris, bool requirePkce,
        CancellationToken ct);
    /// <summary>Updates a client, which then requires PKCE.</summary>
    Task UpdateAsync(string clientId, string displayName, IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri> postLogoutRedirectUris, CancellationToken ct) =>
        UpdateAsync(clientId, displayName, redirectUris, postLogoutRedirectUris, requirePkce: true, ct);
    Task UpdateAsync(string clientId, string displayName, IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri> postLogoutRedirectUris, bool requirePkce,
        CancellationToken ct);
    /// <summary>Replaces the secret; returns the new plain secret.</summary>
    Task<string> RegenerateSecretAsync(string clientId, CancellationToken ct);
    Task DeleteAsync(string clientId, CancellationToken ct);
    Task<OidcClientInfo?> FindAsync(string clientId, CancellationToken ct);
}

/// <param name="RequirePkce">Whether authorization requests must carry a code_challenge (RFC 7636); false only for confidential clients.</param>
public sealed record OidcClientInfo(string ClientId, string DisplayName, IReadOnlyList<Uri> RedirectUris, IReadOnlyList<Uri> PostLogoutRedirectUris,
    bool RequirePkce = true);
