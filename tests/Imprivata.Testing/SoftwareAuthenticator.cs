using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Imprivata.Testing;

/// <summary>
/// A WebAuthn authenticator plus the browser's client data, in software: real keys (ECDSA P-256 or RSA), real CBOR,
/// real signatures. Each knob lets a test break exactly one thing.
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    public SoftwareAuthenticator(bool rsa = false, byte[]? credentialId = null)
    {
        if (rsa)
            _rsa = RSA.Create(2048);
        else
            _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CredentialId = credentialId ?? RandomNumberGenerator.GetBytes(32);
    }

    public byte[] CredentialId { get; }
    public byte[] Aaguid { get; } = Guid.NewGuid().ToByteArray();
    public uint SignCount { get; set; }
    public byte[]? UserHandle { get; set; }
    public string CredentialIdText => Base64Url.EncodeToString(CredentialId);

    public byte[] CoseKey()
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        if (_ec is not null)
        {
            var p = _ec.ExportParameters(false);
            w.WriteStartMap(5);
            w.WriteInt32(1); w.WriteInt32(2);
            w.WriteInt32(3); w.WriteInt32(-7);
            w.WriteInt32(-1); w.WriteInt32(1);
            w.WriteInt32(-2); w.WriteByteString(p.Q.X!);
            w.WriteInt32(-3); w.WriteByteString(p.Q.Y!);
        }
        else
        {
            var p = _rsa!.ExportParameters(false);
            w.WriteStartMap(4);
            w.WriteInt32(1); w.WriteInt32(3);
            w.WriteInt32(3); w.WriteInt32(-257);
            w.WriteInt32(-1); w.WriteByteString(p.Modulus!);
            w.WriteInt32(-2); w.WriteByteString(p.Exponent!);
        }
        w.WriteEndMap();
        return w.Encode();
    }

    public byte[] Sign(byte[] data) => _ec is not null
        ? _ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
        : _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public byte[] SignP1363(byte[] data) => _ec!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public int Algorithm => _ec is not null ? -7 : -257;

    public static byte[] ClientData(string type, byte[] challenge, string origin, string? extra = null) =>
        Encoding.UTF8.GetBytes($"{{\"type\":{JsonSerializer.Serialize(type)},\"challenge\":\"{Base64Url.EncodeToString(challenge)}\",\"origin\":{JsonSerializer.Serialize(origin)},\"crossOrigin\":false{extra}}}");

    public static byte[] AuthData(string rpId, byte flags, uint signCount, byte[]? attested = null)
    {
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)));
        data.Add(flags);
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, signCount);
        data.AddRange(count);
        if (attested is not null)
            data.AddRange(attested);
        return [.. data];
    }

    public byte[] AttestedCredentialData()
    {
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        return [.. Aaguid, .. length, .. CredentialId, .. CoseKey()];
    }

    public const byte UpUv = 0x05;
    public const byte At = 0x40;

    /// <summary>A registration: (clientDataJSON, attestationObject).</summary>
    public (byte[] ClientData, byte[] AttestationObject) Register(string rpId, string origin, byte[] challenge, string format = "none",
        byte flags = UpUv | At, string type = "webauthn.create", Func<byte[], byte[]>? signer = null, X509Certificate2? attestationCert = null)
    {
        var clientData = ClientData(type, challenge, origin);
        var authData = AuthData(rpId, flags, SignCount, (flags & At) != 0 ? AttestedCredentialData() : null);
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(3);
        w.WriteTextString("fmt"); w.WriteTextString(format);
        w.WriteTextString("attStmt");
        if (format == "packed")
        {
            var signed = authData.Concat(SHA256.HashData(clientData)).ToArray();
            w.WriteStartMap(attestationCert is null ? 2 : 3);
            w.WriteTextString("alg"); w.WriteInt32(Algorithm);
            w.WriteTextString("sig"); w.WriteByteString((signer ?? Sign)(signed));
            if (attestationCert is not null)
            {
                w.WriteTextString("x5c");
                w.WriteStartArray(1);
                w.WriteByteString(attestationCert.RawData);
                w.WriteEndArray();
            }
            w.WriteEndMap();
        }
        else
        {
            w.WriteStartMap(0);
            w.WriteEndMap();
        }
        w.WriteTextString("authData"); w.WriteByteString(authData);
        w.WriteEndMap();
        return (clientData, w.Encode());
    }

    /// <summary>An assertion: (clientDataJSON, authenticatorData, signature); increments the counter first unless told not to.</summary>
    public (byte[] ClientData, byte[] AuthData, byte[] Signature) Assert(string rpId, string origin, byte[] challenge, byte flags = UpUv,
        string type = "webauthn.get", bool increment = true)
    {
        if (increment)
            SignCount++;
        var clientData = ClientData(type, challenge, origin);
        var authData = AuthData(rpId, flags, SignCount);
        var signature = Sign([.. authData, .. SHA256.HashData(clientData)]);
        return (clientData, authData, signature);
    }

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }
}
