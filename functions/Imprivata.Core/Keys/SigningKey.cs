using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imprivata.Core.Keys;

/// <summary>
/// An RSA signing key of the ring. <see cref="Rsa"/> can sign (locally or remotely in Key Vault);
/// its public part is also wrapped in <see cref="Certificate"/> for the JWKS x5c and SAML metadata.
/// </summary>
/// <param name="RetiredAt">When the successor takes over (possibly still in the future); null while the key has no successor.</param>
public sealed record SigningKey(
    string KeyId,
    RSA Rsa,
    X509Certificate2 Certificate,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset? RetiredAt)
{
    public KeySchedule Schedule => new(KeyId, CreatedAt, ActivatesAt);
}
