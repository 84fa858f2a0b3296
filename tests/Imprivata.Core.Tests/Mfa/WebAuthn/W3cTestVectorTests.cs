using System.Text;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Core.Tests.Mfa.WebAuthn;

/// <summary>The WebAuthn L3 specification's own test vectors (§16): bytes made by another implementation, not by our tests.</summary>
public sealed class W3cTestVectorTests
{
    private static readonly WebAuthnRelyingParty Rp = WebAuthnRelyingParty.FromPublicBase(new Uri("https://example.org/"), "Example")!;
    private static readonly Dictionary<string, byte[]> Vectors = Load();

    private static Dictionary<string, byte[]> Load() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Mfa", "WebAuthn", "w3c-test-vectors.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(" = "))
            .ToDictionary(p => p[0], p => Convert.FromHexString(p[1]));

    private static byte[] V(string name) => Vectors[name];

    [Theory]
    [InlineData("none-es256", AttestationKind.None, CoseAlgorithms.ES256)]
    [InlineData("packed-self-es256", AttestationKind.Self, CoseAlgorithms.ES256)]
    [InlineData("packed-rs256", AttestationKind.BasicUntrusted, CoseAlgorithms.RS256)]
    public void Vector_RegistrationThenAssertion_Verify(string vector, AttestationKind attestation, int algorithm)
    {
        var registration = RegistrationVerifier.Verify(Rp, V($"{vector}.registration.challenge"),
            V($"{vector}.registration.clientDataJSON"), V($"{vector}.registration.attestationObject"));
        Assert.True(registration.Succeeded, registration.Error.ToString());
        Assert.Equal(V($"{vector}.registration.credential_id"), registration.CredentialId);
        Assert.Equal(attestation, registration.Attestation);
        Assert.Equal(algorithm, registration.Algorithm);

        var assertion = AssertionVerifier.Verify(Rp, V($"{vector}.authentication.challenge"), registration.PublicKey, registration.SignCount, [],
            V($"{vector}.authentication.clientDataJSON"), V($"{vector}.authentication.authenticatorData"), V($"{vector}.authentication.signature"), []);
        Assert.True(assertion.Succeeded, assertion.Error.ToString());
        Assert.Equal(["fido", "user"], assertion.Amr);
    }

    [Fact]
    public void Vector_AssertionWithTheOtherVectorsKey_Rejected()
    {
        var other = RegistrationVerifier.Verify(Rp, V("packed-self-es256.registration.challenge"),
            V("packed-self-es256.registration.clientDataJSON"), V("packed-self-es256.registration.attestationObject"));
        var assertion = AssertionVerifier.Verify(Rp, V("none-es256.authentication.challenge"), other.PublicKey, 0, [],
            V("none-es256.authentication.clientDataJSON"), V("none-es256.authentication.authenticatorData"), V("none-es256.authentication.signature"), []);
        Assert.Equal(WebAuthnError.SignatureInvalid, assertion.Error);
    }

    [Theory]
    [InlineData("none-es256-crossorigin")]
    [InlineData("none-es256-toporigin")]
    public void Vector_CrossOriginCeremonies_RejectedBecauseOurPagesAreNeverFramed(string vector)
    {
        Assert.Contains("crossOrigin\":true", Encoding.UTF8.GetString(V($"{vector}.registration.clientDataJSON")), StringComparison.Ordinal);
        var registration = RegistrationVerifier.Verify(Rp, V($"{vector}.registration.challenge"),
            V($"{vector}.registration.clientDataJSON"), V($"{vector}.registration.attestationObject"));
        Assert.Equal(WebAuthnError.CrossOrigin, registration.Error);
    }

    [Fact]
    public void Vector_VerifiedForAnotherRelyingParty_Rejected()
    {
        var elsewhere = WebAuthnRelyingParty.FromPublicBase(new Uri("https://login.example.org/"), "x")!;
        var registration = RegistrationVerifier.Verify(elsewhere, V("none-es256.registration.challenge"),
            V("none-es256.registration.clientDataJSON"), V("none-es256.registration.attestationObject"));
        Assert.Equal(WebAuthnError.OriginMismatch, registration.Error);
    }
}
