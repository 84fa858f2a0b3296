using System.Buffers.Text;
using System.Security.Cryptography;
using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius;

/// <summary>
/// GET /radius/v1/seal-key: the public key edges seal PAP passwords to, with the key id they send back, as PEM and as a JWK
/// (RFC 7517, "use":"enc", "alg":"RSA-OAEP-256"). The key is public; once edges have credentials of their own it will be
/// served to connected edges only. Until then it is served to anyone, which reveals nothing a password could be read with.
/// </summary>
public static class SealKeyEndpoint
{
    public const string Path = "/radius/v1/seal-key";
    public const string Algorithm = "RSA-OAEP-256";

    public sealed record SealKeyResponse(string Kid, string Alg, string Pem, SealKeyJwk Jwk);

    public sealed record SealKeyJwk(string Kty, string Kid, string Use, string Alg, string N, string E);

    public static void MapSealKey(this WebApplication app) =>
        app.MapGet(Path, async (HttpContext http, IRadiusSealKey key) =>
        {
            var current = await key.GetPublicKeyAsync(http.RequestAborted);
            using var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = current.Modulus, Exponent = current.Exponent });
            // Edges fetch it at start and now and then: a few minutes of caching keeps a rotation quick to reach them.
            http.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Json(new SealKeyResponse(current.KeyId, Algorithm, rsa.ExportSubjectPublicKeyInfoPem(),
                new SealKeyJwk("RSA", current.KeyId, "enc", Algorithm, Base64Url.EncodeToString(current.Modulus), Base64Url.EncodeToString(current.Exponent))));
        });
}
