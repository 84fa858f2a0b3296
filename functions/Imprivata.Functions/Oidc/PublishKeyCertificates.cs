using System.Security.Cryptography;
using Imprivata.Core.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// The JWKS is the key ring's published set, read per request (from memory): a successor key appears here 48 h before it
/// signs, whatever OpenIddict's options held at start. Each entry carries kid, alg, use and x5c; never private members.
/// </summary>
internal sealed class PublishKeyCertificates(ISigningKeyRing ring, KeyRingOptionsRefresh refresh) : IOpenIddictServerHandler<HandleJsonWebKeySetRequestContext>
{
    public async ValueTask HandleAsync(HandleJsonWebKeySetRequestContext context)
    {
        var keys = await ring.GetPublishedKeysAsync(context.CancellationToken).ConfigureAwait(false);
        await refresh.CheckAsync(context.CancellationToken).ConfigureAwait(false);
        context.Keys.Clear();
        // The entries only change with the published set: build them once per set, not per request.
        var fingerprint = string.Join(' ', keys.Select(k => k.KeyId));
        var built = _built;
        if (built?.Fingerprint != fingerprint)
            _built = built = new(fingerprint, [.. keys.Select(ToJwk)]);
        context.Keys.AddRange(built.Keys);
    }

    private BuiltKeys? _built;

    private sealed record BuiltKeys(string Fingerprint, List<JsonWebKey> Keys);

    internal static JsonWebKey ToJwk(SigningKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.RSA,
            Use = JsonWebKeyUseNames.Sig,
            Alg = SecurityAlgorithms.RsaSha256,
            Kid = key.KeyId,
            N = Base64UrlEncoder.Encode(parameters.Modulus),
            E = Base64UrlEncoder.Encode(parameters.Exponent),
            X5t = Base64UrlEncoder.Encode(key.Certificate.GetCertHash(HashAlgorithmName.SHA1)),
        };
        jwk.X5c.Add(Convert.ToBase64String(key.Certificate.RawData));
        return jwk;
    }
}
