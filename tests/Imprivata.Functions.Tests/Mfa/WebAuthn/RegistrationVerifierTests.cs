using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Mfa.WebAuthn;

namespace Imprivata.Functions.Tests.Mfa.WebAuthn;

/// <summary>Our registration checks as fido2-net-lib performs them, with each refusal mapped to our reason.</summary>
public sealed class RegistrationVerifierTests
{
    internal static readonly WebAuthnRelyingParty Rp = WebAuthnRelyingParty.FromPublicBase(new Uri("https://login.example.org/"), "Example")!;
    private const string Origin = "https://login.example.org";
    internal static readonly byte[] Handle = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _challenge = RandomNumberGenerator.GetBytes(32);

    internal static Task<RegistrationResult> VerifyAsync(SoftwareAuthenticator a, (byte[] ClientData, byte[] AttestationObject) r, byte[] challenge,
        bool requireUserVerification = false) =>
        RegistrationVerifier.VerifyAsync(Rp, challenge, Handle, new RegistrationResponse(a.CredentialId, r.ClientData, r.AttestationObject, []),
            requireUserVerification);

    private Task<RegistrationResult> VerifyAsync(SoftwareAuthenticator a, (byte[] ClientData, byte[] AttestationObject) r) => VerifyAsync(a, r, _challenge);

    [Theory]
    [InlineData(false, "none", "none")]
    [InlineData(false, "packed", "self")]
    [InlineData(true, "none", "none")]
    [InlineData(true, "packed", "self")]
    public async Task Verify_ValidRegistration_ReturnsCredential(bool rsa, string format, string type)
    {
        using var authenticator = new SoftwareAuthenticator(rsa) { SignCount = 7 };
        var result = await VerifyAsync(authenticator, authenticator.Register(Rp.Id, Origin, _challenge, format));
        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(authenticator.CredentialId, result.CredentialId);
        Assert.Equal(authenticator.CoseKey(), result.PublicKey);
        Assert.Equal(authenticator.Algorithm, result.Algorithm);
        Assert.Equal(7u, result.SignCount);
        Assert.Equal(new Guid(authenticator.Aaguid, bigEndian: true), result.Aaguid);
        Assert.True(result.UserVerified);
        Assert.Equal((format, type), (result.AttestationFormat, result.AttestationType));
    }

    [Fact]
    public async Task Verify_PackedWithAttestationCertificate_VerifiesLeafSignatureWithoutTrust()
    {
        using var authenticator = new SoftwareAuthenticator();
        using var attestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = AttestationCertificate(attestationKey);
        var ok = await VerifyAsync(authenticator, authenticator.Register(Rp.Id, Origin, _challenge, "packed",
            signer: d => attestationKey.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), attestationCert: cert));
        Assert.True(ok.Succeeded, ok.Error.ToString());
        // Without metadata the library cannot tell basic from AttCA attestation (L3 §6.5.3), and it evaluates no chain.
        Assert.Equal(("packed", "attca"), (ok.AttestationFormat, ok.AttestationType));

        // Signed by the credential key while claiming the certificate's: rejected.
        var wrong = await VerifyAsync(authenticator, authenticator.Register(Rp.Id, Origin, _challenge, "packed", attestationCert: cert));
        Assert.Equal(WebAuthnError.AttestationInvalid, wrong.Error);
    }

    [Fact]
    public async Task Verify_FidoU2fStatement_VerifiedNotWaivedThrough()
    {
        // fido-u2f (L3 §8.6) was accepted unverified before the library: now its signature is checked, so a statement
        // that is not a fido-u2f statement is refused.
        using var authenticator = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.AttestationInvalid, (await VerifyAsync(authenticator, authenticator.Register(Rp.Id, Origin, _challenge, "fido-u2f"))).Error);
    }

    [Fact]
    public Task Verify_WrongChallenge_Rejected() =>
        AssertRejectedAsync(WebAuthnError.ChallengeMismatch, a => a.Register(Rp.Id, Origin, RandomNumberGenerator.GetBytes(32)));

    [Fact]
    public Task Verify_WrongOrigin_Rejected() =>
        AssertRejectedAsync(WebAuthnError.OriginMismatch, a => a.Register(Rp.Id, "https://login.example.org.evil.test", _challenge));

    [Fact]
    public Task Verify_OriginWithDifferentPort_Rejected() =>
        AssertRejectedAsync(WebAuthnError.OriginMismatch, a => a.Register(Rp.Id, "https://login.example.org:8443", _challenge));

    [Fact]
    public Task Verify_AssertionTypeReplayedAsRegistration_Rejected() =>
        AssertRejectedAsync(WebAuthnError.WrongType, a => a.Register(Rp.Id, Origin, _challenge, type: "webauthn.get"));

    [Fact]
    public Task Verify_OtherRpId_Rejected() =>
        AssertRejectedAsync(WebAuthnError.RpIdMismatch, a => a.Register("example.org", Origin, _challenge));

    [Fact]
    public Task Verify_UserNotPresent_Rejected() =>
        AssertRejectedAsync(WebAuthnError.UserNotPresent, a => a.Register(Rp.Id, Origin, _challenge, flags: 0x04 | SoftwareAuthenticator.At));

    [Fact]
    public async Task Verify_UserVerificationRequiredButAbsent_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var registration = authenticator.Register(Rp.Id, Origin, _challenge, flags: 0x01 | SoftwareAuthenticator.At);
        Assert.True((await VerifyAsync(authenticator, registration)).Succeeded);
        Assert.Equal(WebAuthnError.UserVerificationRequired, (await VerifyAsync(authenticator, registration, _challenge, requireUserVerification: true)).Error);
    }

    [Fact]
    public Task Verify_NoAttestedCredentialData_Rejected() =>
        AssertRejectedAsync(WebAuthnError.MissingCredentialData, a => a.Register(Rp.Id, Origin, _challenge, flags: SoftwareAuthenticator.UpUv));

    [Fact]
    public Task Verify_PackedSelfSignatureByAnotherKey_Rejected()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return AssertRejectedAsync(WebAuthnError.AttestationInvalid,
            a => a.Register(Rp.Id, Origin, _challenge, "packed", signer: d => other.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
    }

    [Fact]
    public Task Verify_UnknownAttestationFormat_Rejected() =>
        AssertRejectedAsync(WebAuthnError.UnsupportedAttestationFormat, a => a.Register(Rp.Id, Origin, _challenge, "made-up"));

    [Fact]
    public async Task Verify_CrossOriginClientData_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var (_, attestation) = authenticator.Register(Rp.Id, Origin, _challenge);
        var clientData = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"webauthn.create\",\"challenge\":\"{Base64Url.EncodeToString(_challenge)}\",\"origin\":\"{Origin}\",\"crossOrigin\":true}}");
        Assert.Equal(WebAuthnError.CrossOrigin, (await VerifyAsync(authenticator, (clientData, attestation))).Error);
    }

    [Fact]
    public async Task Verify_CredentialIdOtherThanTheAttestedOne_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var (clientData, attestation) = authenticator.Register(Rp.Id, Origin, _challenge);
        var result = await RegistrationVerifier.VerifyAsync(Rp, _challenge, Handle, new RegistrationResponse(RandomNumberGenerator.GetBytes(32), clientData, attestation, []));
        Assert.Equal(WebAuthnError.CredentialIdInvalid, result.Error);
    }

    [Fact]
    public async Task Verify_ShortCredentialId_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator(credentialId: new byte[8]);
        Assert.Equal(WebAuthnError.CredentialIdInvalid, (await VerifyAsync(authenticator, authenticator.Register(Rp.Id, Origin, _challenge))).Error);
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

    /// <summary>A packed attestation certificate as L3 §8.2.1 requires: version 3, OU "Authenticator Attestation", not a CA.</summary>
    internal static X509Certificate2 AttestationCertificate(ECDsa key)
    {
        var request = new CertificateRequest("CN=Test Authenticator, OU=Authenticator Attestation, O=Example, C=US", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private async Task AssertRejectedAsync(WebAuthnError expected, Func<SoftwareAuthenticator, (byte[], byte[])> build)
    {
        using var authenticator = new SoftwareAuthenticator();
        var result = await VerifyAsync(authenticator, build(authenticator));
        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Error);
    }
}
