using System.Collections.Concurrent;
using Imprivata.Core.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Chooses the key per token: tokens that others verify with our JWKS (ID tokens, access tokens) are signed with the key
/// ring's active key (RS256); the provider's own opaque tokens (codes, refresh tokens: encrypted, and only ever read back by
/// us) with the internal HS256 key, which saves an RSA signature per code and per refresh (RSA-2048 costs ~0.25 ms).
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
        if (context.TokenType is TokenTypeIdentifiers.Private.AuthorizationCode or TokenTypeIdentifiers.RefreshToken &&
            context.Options.SigningCredentials.Find(c => c.Key.KeyId == InternalKeyId) is { } internalKey)
        {
            context.SigningCredentials = internalKey;
            return;
        }
        var active = await ring.GetActiveKeyAsync(context.CancellationToken).ConfigureAwait(false);
        await refresh.CheckAsync(context.CancellationToken).ConfigureAwait(false);
        context.SigningCredentials = CredentialsFor(active);
    }

    public static SigningCredentials CredentialsFor(SigningKey key) =>
        Credentials.GetOrAdd(key.KeyId, _ => new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256));
}
