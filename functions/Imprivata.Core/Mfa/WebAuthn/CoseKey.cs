using System.Formats.Cbor;
using System.Security.Cryptography;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>COSE algorithm identifiers we accept (IANA COSE Algorithms registry).</summary>
public static class CoseAlgorithms
{
    public const int ES256 = -7;
    public const int RS256 = -257;
}

/// <summary>
/// A credential public key in COSE_Key form (RFC 9052 §7, RFC 9053 §7.1 EC2, RFC 8230 §4 RSA), parsed strictly:
/// only EC2 P-256 with ES256 and RSA 2048-4096 bits with RS256.
/// </summary>
public sealed class CoseKey
{
    private const int LabelKty = 1;
    private const int LabelAlg = 3;
    private const int KtyEc2 = 2;
    private const int KtyRsa = 3;
    private const int CurveP256 = 1;
    private const int MaxEntries = 16;

    private readonly ECParameters? _ec;
    private readonly RSAParameters? _rsa;

    private CoseKey(int algorithm, ECParameters? ec, RSAParameters? rsa)
    {
        Algorithm = algorithm;
        _ec = ec;
        _rsa = rsa;
    }

    public int Algorithm { get; }

    /// <summary>Parses one COSE_Key at the start of <paramref name="bytes"/>; <paramref name="consumed"/> is its encoded length.</summary>
    public static WebAuthnError TryRead(ReadOnlyMemory<byte> bytes, out CoseKey? key, out int consumed)
    {
        key = null;
        consumed = 0;
        try
        {
            var reader = new CborReader(bytes, CborConformanceMode.Strict, allowMultipleRootLevelValues: true);
            var error = ReadMap(reader, out key);
            consumed = bytes.Length - reader.BytesRemaining;
            return error;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException or FormatException or ArgumentException or CryptographicException)
        {
            key = null;
            return WebAuthnError.MalformedKey;
        }
    }

    /// <summary>Parses stored COSE key bytes that must hold exactly one key.</summary>
    public static CoseKey? FromBytes(ReadOnlyMemory<byte> bytes) =>
        TryRead(bytes, out var key, out var consumed) == WebAuthnError.None && consumed == bytes.Length ? key : null;

    private static WebAuthnError ReadMap(CborReader reader, out CoseKey? key)
    {
        key = null;
        var count = reader.ReadStartMap();
        if (count is null or 0 or > MaxEntries)
            return WebAuthnError.MalformedKey;
        int? kty = null, alg = null, crv = null;
        byte[]? p1 = null, p2 = null, p3 = null;
        for (var i = 0; i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
                return WebAuthnError.MalformedKey;
            var label = reader.ReadInt32();
            switch (label)
            {
                case LabelKty: kty = reader.ReadInt32(); break;
                case LabelAlg: alg = reader.ReadInt32(); break;
                // -1 is crv (EC2, an int) or n (RSA, a byte string): the type decides which.
                case -1 when reader.PeekState() == CborReaderState.UnsignedInteger: crv = reader.ReadInt32(); break;
                case -1: p1 = reader.ReadByteString(); break;
                case -2: p2 = reader.ReadByteString(); break;
                case -3: p3 = reader.ReadByteString(); break;
                // Other parameters (kid, key_ops, ...) carry no key material: skip them, bounded by the input.
                default: reader.SkipValue(); break;
            }
        }
        reader.ReadEndMap();
        if (kty is null || alg is null)
            return WebAuthnError.MalformedKey;
        if (kty == KtyEc2 && alg == CoseAlgorithms.ES256)
            return Ec2(crv, x: p2, y: p3, out key);
        if (kty == KtyRsa && alg == CoseAlgorithms.RS256)
            return crv is null && p3 is null ? Rsa(n: p1, e: p2, out key) : WebAuthnError.MalformedKey;
        return WebAuthnError.UnsupportedKey;
    }

    private static WebAuthnError Ec2(int? crv, byte[]? x, byte[]? y, out CoseKey? key)
    {
        key = null;
        if (crv != CurveP256)
            return crv is null ? WebAuthnError.MalformedKey : WebAuthnError.UnsupportedKey;
        if (x is not { Length: 32 } || y is not { Length: 32 })
            return WebAuthnError.MalformedKey;
        var parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } };
        // Import checks the point is on the curve: an invalid point is a malformed key, not a verifier crash later.
        using (var probe = ECDsa.Create())
            probe.ImportParameters(parameters);
        key = new CoseKey(CoseAlgorithms.ES256, parameters, null);
        return WebAuthnError.None;
    }

    private static WebAuthnError Rsa(byte[]? n, byte[]? e, out CoseKey? key)
    {
        key = null;
        // 2048-4096-bit moduli without leading zero bytes; public exponent odd, 3..2^32-1.
        if (n is not { Length: >= 256 and <= 512 } || n[0] == 0 || e is not { Length: >= 1 and <= 4 } || e[0] == 0 || (e[^1] & 1) == 0)
            return WebAuthnError.MalformedKey;
        if (e.Length == 1 && e[0] < 3)
            return WebAuthnError.MalformedKey;
        var parameters = new RSAParameters { Modulus = n, Exponent = e };
        using (var probe = RSA.Create())
            probe.ImportParameters(parameters);
        key = new CoseKey(CoseAlgorithms.RS256, null, parameters);
        return WebAuthnError.None;
    }

    /// <summary>
    /// Verifies a WebAuthn signature over <paramref name="data"/>. ES256 signatures are ASN.1 DER (WebAuthn L3 §6.5.5),
    /// not the raw r||s of JOSE; RS256 is RSASSA-PKCS1-v1_5 with SHA-256.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length is 0 or > 1024)
            return false;
        try
        {
            if (_ec is { } ec)
            {
                using var ecdsa = ECDsa.Create(ec);
                return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            if (_rsa is { } rsaParameters)
            {
                using var rsa = RSA.Create(rsaParameters);
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
