using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>How much the attestation proves. We never claim trust in an authenticator model (no metadata service).</summary>
public enum AttestationKind
{
    /// <summary>fmt "none", or a registered format we do not verify: nothing is claimed.</summary>
    None = 0,
    /// <summary>fmt "packed" without x5c: signed by the credential key itself, proving only possession.</summary>
    Self = 1,
    /// <summary>fmt "packed" with x5c: the signature verifies with the leaf certificate, whose chain we do not evaluate.</summary>
    BasicUntrusted = 2,
}

/// <summary>The attestationObject CBOR map {fmt, attStmt, authData} (WebAuthn L3 §6.5.4), read strictly.</summary>
internal sealed record AttestationObject(string Format, ReadOnlyMemory<byte> Statement, ReadOnlyMemory<byte> AuthData)
{
    public const int MaxLength = 64 * 1024;
    // Registered formats (WebAuthn L3 §8) we accept without verifying, as if they were "none".
    private static readonly HashSet<string> UnverifiedFormats = new(StringComparer.Ordinal) { "fido-u2f", "tpm", "android-key", "android-safetynet", "apple", "compound" };

    public static WebAuthnError TryParse(ReadOnlyMemory<byte> bytes, out AttestationObject? value)
    {
        value = null;
        if (bytes.Length is 0 or > MaxLength)
            return WebAuthnError.MalformedAttestation;
        try
        {
            var reader = new CborReader(bytes, CborConformanceMode.Strict);
            if (reader.ReadStartMap() is not 3)
                return WebAuthnError.MalformedAttestation;
            string? fmt = null;
            ReadOnlyMemory<byte>? statement = null, authData = null;
            for (var i = 0; i < 3; i++)
            {
                switch (reader.ReadTextString())
                {
                    case "fmt": fmt = reader.ReadTextString(); break;
                    case "attStmt":
                        if (reader.PeekState() != CborReaderState.StartMap)
                            return WebAuthnError.MalformedAttestation;
                        statement = reader.ReadEncodedValue();
                        break;
                    case "authData": authData = reader.ReadByteString(); break;
                    default: return WebAuthnError.MalformedAttestation;
                }
            }
            reader.ReadEndMap();
            if (reader.BytesRemaining != 0 || fmt is null || statement is null || authData is null)
                return WebAuthnError.MalformedAttestation;
            value = new AttestationObject(fmt, statement.Value, authData.Value);
            return WebAuthnError.None;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException)
        {
            return WebAuthnError.MalformedAttestation;
        }
    }

    /// <summary>Verifies the attestation statement over authData || SHA-256(clientDataJSON) (§7.1 steps 21-22).</summary>
    public WebAuthnError Verify(AttestedCredential credential, ReadOnlySpan<byte> clientDataHash, out AttestationKind kind)
    {
        kind = AttestationKind.None;
        try
        {
            var reader = new CborReader(Statement, CborConformanceMode.Strict);
            var count = reader.ReadStartMap();
            switch (Format)
            {
                case "none":
                    // §8.7: the statement of "none" is an empty map.
                    return count == 0 ? WebAuthnError.None : WebAuthnError.MalformedAttestation;
                case "packed":
                    return VerifyPacked(reader, count, credential, clientDataHash, out kind);
                default:
                    return UnverifiedFormats.Contains(Format) ? WebAuthnError.None : WebAuthnError.UnsupportedAttestationFormat;
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException or CryptographicException or FormatException)
        {
            return WebAuthnError.MalformedAttestation;
        }
    }

    private WebAuthnError VerifyPacked(CborReader reader, int? count, AttestedCredential credential, ReadOnlySpan<byte> clientDataHash, out AttestationKind kind)
    {
        kind = AttestationKind.None;
        if (count is not (2 or 3))
            return WebAuthnError.MalformedAttestation;
        int? alg = null;
        byte[]? sig = null;
        List<byte[]>? x5c = null;
        for (var i = 0; i < count; i++)
        {
            switch (reader.ReadTextString())
            {
                case "alg": alg = reader.ReadInt32(); break;
                case "sig": sig = reader.ReadByteString(); break;
                case "x5c":
                    var certs = reader.ReadStartArray();
                    if (certs is null or 0 or > 8)
                        return WebAuthnError.MalformedAttestation;
                    x5c = [];
                    for (var c = 0; c < certs; c++)
                        x5c.Add(reader.ReadByteString());
                    reader.ReadEndArray();
                    break;
                default: return WebAuthnError.MalformedAttestation;
            }
        }
        reader.ReadEndMap();
        if (alg is null || sig is null)
            return WebAuthnError.MalformedAttestation;
        var signed = Concat(AuthData.Span, clientDataHash);
        if (x5c is null)
        {
            // §8.2 self attestation: alg matches the credential key and the credential key signed.
            if (alg != credential.Key.Algorithm)
                return WebAuthnError.AttestationSignatureInvalid;
            if (!credential.Key.Verify(signed, sig))
                return WebAuthnError.AttestationSignatureInvalid;
            kind = AttestationKind.Self;
            return WebAuthnError.None;
        }
        // §8.2 full attestation: the leaf certificate's key signed. Its chain is not evaluated, so no trust is claimed.
        using var leaf = X509CertificateLoader.LoadCertificate(x5c[0]);
        if (!VerifyWithCertificate(leaf, alg.Value, signed, sig))
            return WebAuthnError.AttestationSignatureInvalid;
        kind = AttestationKind.BasicUntrusted;
        return WebAuthnError.None;
    }

    private static bool VerifyWithCertificate(X509Certificate2 certificate, int alg, byte[] data, byte[] signature)
    {
        switch (alg)
        {
            case CoseAlgorithms.ES256:
                using (var ec = certificate.GetECDsaPublicKey())
                    return ec is not null && ec.KeySize == 256 && ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            case CoseAlgorithms.RS256:
                using (var rsa = certificate.GetRSAPublicKey())
                    return rsa is not null && rsa.KeySize >= 2048 && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            default:
                return false;
        }
    }

    internal static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        return result;
    }
}
