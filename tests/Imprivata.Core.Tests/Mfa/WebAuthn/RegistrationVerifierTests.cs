using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Core.Tests.Mfa.WebAuthn;

public sealed class RegistrationVerifierTests
{
    internal static readonly WebAuthnRelyingParty Rp = WebAuthnRelyingParty.FromPublicBase(new Uri("https://login.example.org/"), "Example")!;
    private const string Origin = "https://login.example.org";
    private readonly byte[] _challenge = RandomNumberGenerator.GetBytes(32);

    private RegistrationResult Verify((byte[] ClientData, byte[] AttestationObject) r, byte[]? challenge = null) =>
        RegistrationVerifier.Verify(Rp, challenge ?? _challenge, r.ClientData, r.AttestationObject);

    [Theory]
    [InlineData(false, "none", AttestationKind.None)]
    [InlineData(false, "packed", AttestationKind.Self)]
    [InlineData(true, "none", AttestationKind.None)]
    [InlineData(true, "packed", AttestationKind.Self)]
    public void Verify_ValidRegistration_ReturnsCredential(bool rsa, string format, AttestationKind kind)
    {
        using var authenticator = new SoftwareAuthenticator(rsa) { SignCount = 7 };
        var result = Verify(authenticator.Register(Rp.Id, Origin, _challenge, format));
        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(authenticator.CredentialId, result.CredentialId);
        Assert.Equal(authenticator.CoseKey(), result.PublicKey);
        Assert.Equal(authenticator.Algorithm, result.Algorithm);
        Assert.Equal(7u, result.SignCount);
        Assert.True(result.UserVerified);
        Assert.Equal(kind, result.Attestation);
    }

    [Fact]
    public void Verify_PackedWithAttestationCertificate_VerifiesLeafSignatureWithoutTrust()
    {
        using var authenticator = new SoftwareAuthenticator();
        using var attestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=Test Authenticator, OU=Authenticator Attestation, O=Example, C=US", attestationKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var ok = Verify(authenticator.Register(Rp.Id, Origin, _challenge, "packed", signer: d => attestationKey.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), attestationCert: cert));
        Assert.True(ok.Succeeded, ok.Error.ToString());
        Assert.Equal(AttestationKind.BasicUntrusted, ok.Attestation);

        // Signed by the credential key while claiming the certificate's: rejected.
        var wrong = Verify(authenticator.Register(Rp.Id, Origin, _challenge, "packed", attestationCert: cert));
        Assert.Equal(WebAuthnError.AttestationSignatureInvalid, wrong.Error);
    }

    [Fact]
    public void Verify_WrongChallenge_Rejected() =>
        AssertRejected(WebAuthnError.ChallengeMismatch, a => a.Register(Rp.Id, Origin, RandomNumberGenerator.GetBytes(32)));

    [Fact]
    public void Verify_WrongOrigin_Rejected() =>
        AssertRejected(WebAuthnError.OriginMismatch, a => a.Register(Rp.Id, "https://login.example.org.evil.test", _challenge));

    [Fact]
    public void Verify_OriginWithDifferentPort_Rejected() =>
        AssertRejected(WebAuthnError.OriginMismatch, a => a.Register(Rp.Id, "https://login.example.org:8443", _challenge));

    [Fact]
    public void Verify_AssertionTypeReplayedAsRegistration_Rejected() =>
        AssertRejected(WebAuthnError.WrongType, a => a.Register(Rp.Id, Origin, _challenge, type: "webauthn.get"));

    [Fact]
    public void Verify_OtherRpId_Rejected() =>
        AssertRejected(WebAuthnError.RpIdMismatch, a => a.Register("example.org", Origin, _challenge));

    [Fact]
    public void Verify_UserNotPresent_Rejected() =>
        AssertRejected(WebAuthnError.UserNotPresent, a => a.Register(Rp.Id, Origin, _challenge, flags: 0x04 | SoftwareAuthenticator.At));

    [Fact]
    public void Verify_NoAttestedCredentialData_Rejected() =>
        AssertRejected(WebAuthnError.MissingCredentialData, a => a.Register(Rp.Id, Origin, _challenge, flags: SoftwareAuthenticator.UpUv));

    [Fact]
    public void Verify_PackedSelfSignatureByAnotherKey_Rejected()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AssertRejected(WebAuthnError.AttestationSignatureInvalid,
            a => a.Register(Rp.Id, Origin, _challenge, "packed", signer: d => other.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
    }

    [Fact]
    public void Verify_UnknownAttestationFormat_Rejected() =>
        AssertRejected(WebAuthnError.UnsupportedAttestationFormat, a => a.Register(Rp.Id, Origin, _challenge, "made-up"));

    [Fact]
    public void Verify_RegisteredFormatWeDoNotVerify_AcceptedAsNone()
    {
        using var authenticator = new SoftwareAuthenticator();
        var result = Verify(authenticator.Register(Rp.Id, Origin, _challenge, "fido-u2f"));
        Assert.True(result.Succeeded);
        Assert.Equal(AttestationKind.None, result.Attestation);
    }

    [Fact]
    public void Verify_CrossOriginClientData_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var (_, attestation) = authenticator.Register(Rp.Id, Origin, _challenge);
        var clientData = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"type\":\"webauthn.create\",\"challenge\":\"{System.Buffers.Text.Base64Url.EncodeToString(_challenge)}\",\"origin\":\"{Origin}\",\"crossOrigin\":true}}");
        Assert.Equal(WebAuthnError.CrossOrigin, RegistrationVerifier.Verify(Rp, _challenge, clientData, attestation).Error);
    }

    [Fact]
    public void Verify_DuplicateJsonMember_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var (_, attestation) = authenticator.Register(Rp.Id, Origin, _challenge);
        var clientData = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"type\":\"webauthn.create\",\"challenge\":\"{System.Buffers.Text.Base64Url.EncodeToString(_challenge)}\",\"origin\":\"https://evil.test\",\"origin\":\"{Origin}\"}}");
        Assert.Equal(WebAuthnError.MalformedClientData, RegistrationVerifier.Verify(Rp, _challenge, clientData, attestation).Error);
    }

    [Fact]
    public void Verify_TrailingBytesAfterAttestationObject_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var (clientData, attestation) = authenticator.Register(Rp.Id, Origin, _challenge);
        Assert.Equal(WebAuthnError.MalformedAttestation, RegistrationVerifier.Verify(Rp, _challenge, clientData, (byte[])[.. attestation, 0x00]).Error);
    }

    [Fact]
    public void Verify_ShortCredentialId_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator(credentialId: new byte[8]);
        Assert.Equal(WebAuthnError.CredentialIdInvalid, Verify(authenticator.Register(Rp.Id, Origin, _challenge)).Error);
    }

    [Fact]
    public void FromPublicBase_IpAddressOrPlainHttp_Unavailable()
    {
        Assert.Null(WebAuthnRelyingParty.FromPublicBase(new Uri("http://127.0.0.1:7071/"), "x"));
        Assert.Null(WebAuthnRelyingParty.FromPublicBase(new Uri("http://login.example.org/"), "x"));
        var local = WebAuthnRelyingParty.FromPublicBase(new Uri("http://localhost:7071/"), "x")!;
        Assert.Equal(("localhost", "http://localhost:7071"), (local.Id, local.Origin));
        Assert.Equal("https://login.example.org", Rp.Origin);
    }

    private void AssertRejected(WebAuthnError expected, Func<SoftwareAuthenticator, (byte[], byte[])> build)
    {
        using var authenticator = new SoftwareAuthenticator();
        var result = Verify(build(authenticator));
        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Error);
    }
}
