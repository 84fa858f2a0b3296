using Imprivata.Core.Keys;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>Adds x5c (the certificate over each published key) to the JWKS entries OpenIddict built from the same keys.</summary>
internal sealed class PublishKeyCertificates(ISigningKeyRing ring) : IOpenIddictServerHandler<HandleJsonWebKeySetRequestContext>
{
    public async ValueTask HandleAsync(HandleJsonWebKeySetRequestContext context)
    {
        var keys = await ring.GetPublishedKeysAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var jwk in context.Keys)
        {
            var key = keys.FirstOrDefault(k => string.Equals(k.KeyId, jwk.Kid, StringComparison.Ordinal));
            if (key is null || jwk.X5c.Count > 0)
                continue;
            jwk.X5c.Add(Convert.ToBase64String(key.Certificate.RawData));
        }
    }
}
