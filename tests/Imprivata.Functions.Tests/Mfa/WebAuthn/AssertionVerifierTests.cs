using System.Security.Cryptography;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Mfa.WebAuthn;

namespace Imprivata.Functions.Tests.Mfa.WebAuthn;

/// <summary>Our assertion checks, the signature counter's clone check among them, as fido2-net-lib performs them.</summary>
public sealed class AssertionVerifierTests
{
    private static readonly WebAuthnRelyingParty Rp = RegistrationVerifierTests.Rp;
    private const string Origin = "https://login.example.org";
    private readonly byte[] _challenge = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _handle = RandomNumberGenerator.GetBytes(32);

    private Task<AssertionResult> VerifyAsync(SoftwareAuthenticator a, (byte[] ClientData, byte[] AuthData, byte[] Signature) r, long storedCount = 0,
        byte[]? userHandle = null, byte[]? storedKey = null, bool requireUserVerification = false) =>
        AssertionVerifier.VerifyAsync(Rp, _challenge, storedKey ?? a.CoseKey(), storedCount, _handle,
            new AssertionResponse(a.CredentialId, r.ClientData, r.AuthData, r.Signature, userHandle ?? []), requireUserVerification);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Verify_ValidAssertion_SucceedsWithFidoAmr(bool rsa)
    {
        using var a = new SoftwareAuthenticator(rsa) { SignCount = 4 };
        var result = await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge), storedCount: 4, userHandle: _handle);
        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(5u, result.SignCount);
        Assert.True(result.UserVerified);
        Assert.Equal(["fido", "user"], result.Amr);
    }

    [Fact]
    public async Task Verify_ZeroCounterAuthenticator_Accepted()
    {
        using var a = new SoftwareAuthenticator();
        Assert.True((await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge, increment: false))).Succeeded);
    }

    [Fact]
    public async Task Verify_WithoutUserVerification_SucceedsAndReportsIt()
    {
        using var a = new SoftwareAuthenticator();
        var result = await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge, flags: 0x01));
        Assert.True(result.Succeeded);
        Assert.False(result.UserVerified);
        var required = await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge, flags: 0x01), storedCount: a.SignCount - 1, requireUserVerification: true);
        Assert.Equal(WebAuthnError.UserVerificationRequired, required.Error);
    }

    [Fact]
    public async Task Verify_WrongChallenge_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.ChallengeMismatch, (await VerifyAsync(a, a.Assert(Rp.Id, Origin, RandomNumberGenerator.GetBytes(32)))).Error);
    }

    [Fact]
    public async Task Verify_WrongOrigin_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.OriginMismatch, (await VerifyAsync(a, a.Assert(Rp.Id, "http://login.example.org", _challenge))).Error);
    }

    [Fact]
    public async Task Verify_RegistrationTypeAsAssertion_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.WrongType, (await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge, type: "webauthn.create"))).Error);
    }

    [Fact]
    public async Task Verify_OtherRpId_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.RpIdMismatch, (await VerifyAsync(a, a.Assert("evil.test", Origin, _challenge))).Error);
    }

    [Fact]
    public async Task Verify_UserNotPresent_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.UserNotPresent, (await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge, flags: 0x04))).Error);
    }

    [Fact]
    public async Task Verify_TamperedSignature_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        var (clientData, authData, signature) = a.Assert(Rp.Id, Origin, _challenge);
        signature[^1] ^= 0x01;
        Assert.Equal(WebAuthnError.SignatureInvalid, (await VerifyAsync(a, (clientData, authData, signature))).Error);
    }

    [Fact]
    public async Task Verify_TamperedAuthenticatorData_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        var (clientData, authData, signature) = a.Assert(Rp.Id, Origin, _challenge);
        authData[36] ^= 0x01; // the signature counter
        Assert.Equal(WebAuthnError.SignatureInvalid, (await VerifyAsync(a, (clientData, authData, signature))).Error);
    }

    [Fact]
    public async Task Verify_RawSignatureInsteadOfDer_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        var (clientData, authData, _) = a.Assert(Rp.Id, Origin, _challenge);
        // JOSE-style r||s (IEEE P1363) over the right data: valid elsewhere, but WebAuthn signatures are DER.
        var raw = a.SignP1363([.. authData, .. SHA256.HashData(clientData)]);
        Assert.Equal(WebAuthnError.SignatureInvalid, (await VerifyAsync(a, (clientData, authData, raw))).Error);
    }

    [Fact]
    public async Task Verify_SignedByAnotherKey_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        using var other = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.SignatureInvalid, (await VerifyAsync(a, other.Assert(Rp.Id, Origin, _challenge))).Error);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(10, 9)]
    [InlineData(10, 0)]
    public async Task Verify_SignCountNotIncreasing_RejectedAsPossibleClone(long stored, uint presented)
    {
        using var a = new SoftwareAuthenticator { SignCount = presented };
        Assert.Equal(WebAuthnError.SignCountRegressed, (await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge, increment: false), storedCount: stored)).Error);
    }

    [Fact]
    public async Task Verify_UserHandleOfAnotherAccount_Rejected()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.UserHandleMismatch, (await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge), userHandle: RandomNumberGenerator.GetBytes(32))).Error);
    }

    [Fact]
    public async Task Verify_CorruptStoredKey_RejectedNotThrown()
    {
        using var a = new SoftwareAuthenticator();
        Assert.Equal(WebAuthnError.MalformedKey, (await VerifyAsync(a, a.Assert(Rp.Id, Origin, _challenge), storedKey: [0xa1, 0x01])).Error);
    }
}
