using System.Collections.Concurrent;
using Imprivata.Core.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Chooses the key per token. Tokens that others verify with our JWKS (ID tokens, client_credentials access tokens, and an
/// access token for an API named with a resource indicator) are signed with the key ring's active key
/// (RS256). The provider's own tokens are signed with the internal HS256 key and encrypted (RSA-2048 costs ~0.3 ms per
/// signature): codes and refresh tokens, and a user's access token that names no resource. That one carries no audience a
/// resource server could check (RFC 9068 2.2, RFC 8725 3.9), so it is only good at our userinfo endpoint: opaque to clients,
/// as oidc-provider, Okta's org server and Auth0 (without an audience) also issue it, which keeps it from being replayed to
/// APIs as a bearer token.
/// </summary>
internal sealed class SignWithActiveKey(ISigningKeyRing ring, KeyRingOptionsRefresh refresh) : IOpenIddictServerHandler<GenerateTokenContext>
{
    private const string InternalKeyId = "internal-hs256";
    private static readonly ConcurrentDictionary<string, SigningCredentials> Credentials = new();

    /// <summary>The HS256 credentials of the provider's own tokens; never published (JWKS lists the ring's keys only).</summary>
    public static SigningCredentials InternalCredentials(byte[] key) =>
        new(new SymmetricSecurityKey(key) { KeyId = InternalKeyId }, SecurityAlgorithms.HmacSha256);

    public async ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (IsOurOwn(context) && context.Options.SigningCredentials.Find(c => c.Key.KeyId == InternalKeyId) is { } internalKey)
        {
            context.SigningCredentials = internalKey;
            if (context.TokenType == TokenTypeIdentifiers.AccessToken)
                context.EncryptionCredentials = context.Options.EncryptionCredentials.FirstOrDefault()
                    ?? throw new InvalidOperationException("No token encryption key is configured for opaque access tokens.");
            return;
        }
        var active = await ring.GetActiveKeyAsync(context.CancellationToken).ConfigureAwait(false);
        await refresh.CheckAsync(context.CancellationToken).ConfigureAwait(false);
        context.SigningCredentials = CredentialsFor(active);
    }

    /// <summary>
    /// Read back only by this provider: codes, refresh tokens, and user access tokens that name no resource (OpenIddict
    /// turns the grant's resources into the access token principal's audiences).
    /// </summary>
    internal static bool IsOurOwn(GenerateTokenContext context) => context.TokenType switch
    {
        TokenTypeIdentifiers.Private.AuthorizationCode or TokenTypeIdentifiers.RefreshToken => true,
        TokenTypeIdentifiers.AccessToken => context.Request?.IsClientCredentialsGrantType() != true && context.Principal.GetAudiences().IsDefaultOrEmpty,
        _ => false,
    };

    public static SigningCredentials CredentialsFor(SigningKey key) =>
        Credentials.GetOrAdd(key.KeyId, _ => new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256));
}
