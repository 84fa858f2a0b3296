using System.Collections.Concurrent;
using Imprivata.Core.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>Signs every asymmetrically signed token with the key ring's active key (RS256), whatever OpenIddict picked first.</summary>
internal sealed class SignWithActiveKey(ISigningKeyRing ring, KeyRingOptionsRefresh refresh) : IOpenIddictServerHandler<GenerateTokenContext>
{
    private static readonly ConcurrentDictionary<string, SigningCredentials> Credentials = new();

    public async ValueTask HandleAsync(GenerateTokenContext context)
    {
        // Symmetric credentials (if any) stay as chosen; we only replace RSA signatures.
        if (context.SigningCredentials?.Key is not AsymmetricSecurityKey)
            return;
        var active = await ring.GetActiveKeyAsync(context.CancellationToken).ConfigureAwait(false);
        await refresh.CheckAsync(context.CancellationToken).ConfigureAwait(false);
        context.SigningCredentials = CredentialsFor(active);
    }

    public static SigningCredentials CredentialsFor(SigningKey key) =>
        Credentials.GetOrAdd(key.KeyId, _ => new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256));
}
