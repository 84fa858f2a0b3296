using System.Security.Cryptography;
using Imprivata.Functions.Admin;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// App profiles' OIDC registrations as OpenIddict applications: confidential web clients (OpenIddict stores only a hash of
/// the secret), code flow with PKCE required unless the administrator turned it off for an app that cannot send it,
/// refresh tokens, RP-initiated logout, the standard scopes.
/// </summary>
public sealed class OpenIddictClientRegistry(IOpenIddictApplicationManager applications) : IOidcClientRegistry
{
    public async Task<string> CreateAsync(string clientId, string displayName, IReadOnlyList<Uri> redirectUris,
        IReadOnlyList<Uri> postLogoutRedirectUris, bool requirePkce, CancellationToken ct)
    {
        var secret = NewSecret();
        var descriptor = Describe(clientId, displayName, redirectUris, postLogoutRedirectUris);
        SetPkceRequirement(descriptor, requirePkce);
        descriptor.ClientSecret = secret;
        await applications.CreateAsync(descriptor, ct);
        return secret;
    }

    public async Task UpdateAsync(string clientId, string displayName, IReadOnlyList<Uri> redirectUris,
        IReadOnlyList<Uri> postLogoutRedirectUris, bool requirePkce, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct) ?? throw new KeyNotFoundException("No such client.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, ct);
        var updated = Describe(clientId, displayName, redirectUris, postLogoutRedirectUris);
        descriptor.DisplayName = updated.DisplayName;
        descriptor.RedirectUris.Clear();
        descriptor.RedirectUris.UnionWith(updated.RedirectUris);
        descriptor.PostLogoutRedirectUris.Clear();
        descriptor.PostLogoutRedirectUris.UnionWith(updated.PostLogoutRedirectUris);
        SetPkceRequirement(descriptor, requirePkce);
        // PopulateAsync leaves ClientSecret null, so UpdateAsync keeps the stored hash.
        await applications.UpdateAsync(application, descriptor, ct);
    }

    public async Task<string> RegenerateSecretAsync(string clientId, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct) ?? throw new KeyNotFoundException("No such client.");
        var secret = NewSecret();
        await applications.UpdateAsync(application, secret, ct);
        return secret;
    }

    public async Task DeleteAsync(string clientId, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(clientId, ct) is { } application)
            await applications.DeleteAsync(application, ct);
    }

    public async Task<OidcClientInfo?> FindAsync(string clientId, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null)
            return null;
        var redirects = await applications.GetRedirectUrisAsync(application, ct);
        var postLogout = await applications.GetPostLogoutRedirectUrisAsync(application, ct);
        return new OidcClientInfo(clientId, await applications.GetDisplayNameAsync(application, ct) ?? clientId,
            [.. redirects.Select(u => new Uri(u))], [.. postLogout.Select(u => new Uri(u))],
            await applications.HasRequirementAsync(application, Requirements.Features.ProofKeyForCodeExchange, ct));
    }

    private static OpenIddictApplicationDescriptor Describe(string clientId, string displayName, IReadOnlyList<Uri> redirectUris,
        IReadOnlyList<Uri> postLogoutRedirectUris)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = displayName,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Email,
                Permissions.Scopes.Phone,
                Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
        };
        // Exact string match at authorize time (RFC 9700 2.1): store the URIs exactly as the administrator entered them.
        foreach (var uri in redirectUris)
            descriptor.RedirectUris.Add(uri);
        foreach (var uri in postLogoutRedirectUris)
            descriptor.PostLogoutRedirectUris.Add(uri);
        return descriptor;
    }

    /// <summary>
    /// OpenIddict enforces PKCE per application (its Requirements): at authorize, a code request without a code_challenge is
    /// refused; at the token endpoint, a code without a code_verifier. RFC 9700 2.1.1: public clients must use PKCE, so
    /// only a confidential client (which authenticates with its secret) may go without.
    /// </summary>
    private static void SetPkceRequirement(OpenIddictApplicationDescriptor descriptor, bool requested)
    {
        descriptor.Requirements.Remove(Requirements.Features.ProofKeyForCodeExchange);
        if (requested || descriptor.ClientType != ClientTypes.Confidential)
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
    }

    /// <summary>256 random bits, base64url: shown once to the administrator, hashed by OpenIddict at rest.</summary>
    private static string NewSecret() => Login.SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(32));
}
