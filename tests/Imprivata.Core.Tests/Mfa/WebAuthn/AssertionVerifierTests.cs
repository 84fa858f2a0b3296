using System.Security.Cryptography;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Core.Tests.Mfa.WebAuthn;

public sealed class AssertionVerifierTests
{
    private static readonly WebAuthnRelyingParty Rp = RegistrationVerifierTests.Rp;
    private const string Origin = "https://login.example.org";
    private readonly byte[] _challenge = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _handle = RandomNumberGenerator.GetBytes(32);

    private AssertionResult Verify(SoftwareAuthenticator a, (byte[] ClientData, byte[] AuthData, byte[] Signature) r, long storedCount = 0,
        byte[]? userHandle = null, byte[]? storedKey = null) =>
        AssertionVerifier.Verify(Rp, _challenge, storedKey ?? a.CoseKey(), storedCount, _handle, r.ClientData, r.AuthData, r.Signature, userHandle ?? []);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_ValidAssertion_SucceedsWithFidoAmr(bool rsa)
    {
        using var a = new SoftwareAuthenticator(rsa) { SignCount = 4 };
        var result = Verify(a, a.Assert(Rp.Id, Origin, _challenge), storedCount: 4, userHandle: _handle);
        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(5u, result.SignCount);
        Assert.True(result.UserVerified);
        Assert.Equal(["fido", "user"], result.Amr);
    }

    [Fact]
    public void Verify_ZeroCounterAuthenticator_Accepted()
    {
        using var a = new SoftwareAuthenticator();
        Assert.True(Verify(a, a.Assert(Rp.Id, Origin, _challenge, increment: false)).Succeeded);
    }

    [Fact]
    public void Verify_WithoutUserVerification_SucceedsAndReportsIt()
    {
        using var a = new SoftwareAuthenticator();
        var result = Verify(a, a.Assert(Rp.Id, Origin, _challenge, flags: 0x01));
        Assert.True(result.Succeeded);
        Assert.False(result.UserVerified);
        var (clientData, authData, signature) = a.Assert(Rp.Id, Origin, _challenge, flags: 0x01);
        var required = AssertionVerifier.Verify(Rp, _challenge, a.CoseKey(), a.SignCount - 1, _handle, clientData, authData, signature, [], requireUserVerification: true);
        Assert.Equal(WebAuthnError.UserVerificationRequired, required.Error);
    }

    [Fact]
    public void Verify_WrongChallenge_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.ChallengeMismatch, Verify(a, a.Assert(Rp.Id, Origin, RandomNumberGenerator.GetBytes(32))).Error);
    }

    [Fact]
    public void Verify_WrongOrigin_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.OriginMismatch, Verify(a, a.Assert(Rp.Id, "http://login.example.org", _challenge)).Error);
    }

    [Fact]
    public void Verify_RegistrationTypeAsAssertion_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.WrongType, Verify(a, a.Assert(Rp.Id, Origin, _challenge, type: "webauthn.create")).Error);
    }

    [Fact]
    public void Verify_OtherRpId_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.RpIdMismatch, Verify(a, a.Assert("evil.test", Origin, _challenge)).Error);
    }

    [Fact]
    public void Verify_UserNotPresent_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.UserNotPresent, Verify(a, a.Assert(Rp.Id, Origin, _challenge, flags: 0x04)).Error);
    }

    [Fact]
    public void Verify_TamperedSignature_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        var (clientData, authData, signature) = a.Assert(Rp.Id, Origin, _challenge);
        signature[^1] ^= 0x01;
        Assert.Equal(WebAuthnError.SignatureInvalid, Verify(a, (clientData, authData, signature)).Error);
    }

    [Fact]
    public void Verify_TamperedAuthenticatorData_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        var (clientData, authData, signature) = a.Assert(Rp.Id, Origin, _challenge);
        authData[36] ^= 0x01; // the signature counter
        Assert.Equal(WebAuthnError.SignatureInvalid, Verify(a, (clientData, authData, signature)).Error);
    }

    [Fact]
    public void Verify_RawSignatureInsteadOfDer_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        var (clientData, authData, _) = a.Assert(Rp.Id, Origin, _challenge);
        // JOSE-style r||s (IEEE P1363) over the right data: valid elsewhere, but WebAuthn signatures are DER.
        var raw = a.SignP1363([.. authData, .. SHA256.HashData(clientData)]);
        Assert.Equal(WebAuthnError.SignatureInvalid, Verify(a, (clientData, authData, raw)).Error);
    }

    [Fact]
    public void Verify_SignedByAnotherKey_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        using var other = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.SignatureInvalid, Verify(a, other.Assert(Rp.Id, Origin, _challenge)).Error);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(10, 9)]
    [InlineData(10, 0)]
    public void Verify_SignCountNotIncreasing_RejectedAsPossibleClone(long stored, uint presented)
    {
        using var a = new SoftwareAuthenticator { SignCount = presented };
        Assert.Equal(WebAuthnError.SignCountRegressed, Verify(a, a.Assert(Rp.Id, Origin, _challenge, increment: false), storedCount: stored).Error);
    }

    [Fact]
    public void Verify_UserHandleOfAnotherAccount_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.UserHandleMismatch, Verify(a, a.Assert(Rp.Id, Origin, _challenge), userHandle: RandomNumberGenerator.GetBytes(32)).Error);
    }

    [Fact]
    public void Verify_CorruptStoredKey_RejectedNotThrown()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.MalformedKey, Verify(a, a.Assert(Rp.Id, Origin, _challenge), storedKey: [0xa1, 0x01]).Error);
    }
}
