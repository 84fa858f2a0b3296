using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Imprivata.Core.Keys;

/// <summary>
/// The self-signed certificate wrapping a signing key's public part (JWKS x5c, SAML metadata KeyDescriptor).
/// Signed through <see cref="X509SignatureGenerator.CreateForRSA"/>, so it works for a remote (Key Vault) key too.
/// Deterministic for a given key and times (PKCS#1 v1.5 signatures are), so every instance publishes the same bytes.
/// </summary>
public static class SigningCertificate
{
    public static readonly TimeSpan MaximumValidity = TimeSpan.FromDays(730);

    public static X509Certificate2 Create(RSA rsa, string keyId, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        notBefore = TruncateToSeconds(notBefore);
        notAfter = TruncateToSeconds(notAfter < notBefore + MaximumValidity ? notAfter : notBefore + MaximumValidity);
        if (notAfter <= notBefore)
            throw new ArgumentException("The certificate would never be valid.", nameof(notAfter));

        var generator = X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        var name = new X500DistinguishedName(subject);
        var request = new CertificateRequest(name, generator.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(generator.PublicKey, false));
        return request.Create(name, generator, notBefore, notAfter, SerialNumberOf(keyId));
    }

    /// <summary>RFC 5280 4.1.2.2: a positive integer of at most 20 octets; derived from the key id to stay deterministic.</summary>
    private static byte[] SerialNumberOf(string keyId)
    {
        var serial = SHA256.HashData(Encoding.UTF8.GetBytes(keyId))[..16];
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
