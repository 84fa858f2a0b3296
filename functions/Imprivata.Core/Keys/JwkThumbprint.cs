using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Core.Keys;

/// <summary>Key ids are RFC 7638 JWK thumbprints: stable, derived from the public key, equal on every instance.</summary>
public static class JwkThumbprint
{
    /// <summary>RFC 7638 section 3.2: SHA-256 over {"e","kty","n"} in lexicographic order, no whitespace.</summary>
    public static string OfRsa(RSAParameters publicKey)
    {
        if (publicKey.Modulus is null || publicKey.Exponent is null)
            throw new ArgumentException("An RSA public key needs a modulus and an exponent.", nameof(publicKey));
        var json = "{\"e\":\"" + Base64Url.EncodeToString(publicKey.Exponent) +
                   "\",\"kty\":\"RSA\",\"n\":\"" + Base64Url.EncodeToString(publicKey.Modulus) + "\"}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
