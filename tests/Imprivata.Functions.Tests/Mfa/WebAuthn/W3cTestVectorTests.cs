using System.Formats.Cbor;
using System.Text;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Mfa.WebAuthn;

namespace Imprivata.Functions.Tests.Mfa.WebAuthn;

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

    private static Task<RegistrationResult> RegisterAsync(string vector, WebAuthnRelyingParty? rp = null) =>
        RegistrationVerifier.VerifyAsync(rp ?? Rp, V($"{vector}.registration.challenge"), RegistrationVerifierTests.Handle, new RegistrationResponse(V($"{vector}.registration.credential_id"),
            V($"{vector}.registration.clientDataJSON"), V($"{vector}.registration.attestationObject"), []));

    private static Task<AssertionResult> AssertAsync(string vector, byte[] storedKey, long storedCount = 0) =>
        AssertionVerifier.VerifyAsync(Rp, V($"{vector}.authentication.challenge"), storedKey, storedCount, [],
            new AssertionResponse(V($"{vector}.registration.credential_id"), V($"{vector}.authentication.clientDataJSON"),
                V($"{vector}.authentication.authenticatorData"), V($"{vector}.authentication.signature"), []));

    [Theory]
    [InlineData("none-es256", "none", "none", -7)]
    [InlineData("packed-self-es256", "packed", "self", -7)]
    [InlineData("packed-rs256", "packed", "attca", -257)]
    public async Task Vector_RegistrationThenAssertion_Verify(string vector, string format, string type, int algorithm)
    {
        var registration = await RegisterAsync(vector);
        Assert.True(registration.Succeeded, registration.Error.ToString());
        Assert.Equal(V($"{vector}.registration.credential_id"), registration.CredentialId);
        Assert.Equal((format, type, algorithm), (registration.AttestationFormat, registration.AttestationType, registration.Algorithm));

        var assertion = await AssertAsync(vector, registration.PublicKey, registration.SignCount);
        Assert.True(assertion.Succeeded, assertion.Error.ToString());
        Assert.Equal(["fido", "user"], assertion.Amr);
    }

    [Theory]
    [InlineData("none-es256")]
    [InlineData("packed-self-es256")]
    [InlineData("packed-rs256")]
    public async Task Vector_KeyStoredAsTheAuthenticatorSentIt_StillVerifies(string vector)
    {
        // Enrollments made before the library keep the COSE_Key bytes exactly as they stood in the authenticator data.
        var asSent = CoseKeyAsSent(V($"{vector}.registration.attestationObject"), V($"{vector}.registration.credential_id").Length);
        Assert.True((await AssertAsync(vector, asSent)).Succeeded);
    }

    [Fact]
    public async Task Vector_AssertionWithTheOtherVectorsKey_Rejected()
    {
        var other = await RegisterAsync("packed-self-es256");
        Assert.Equal(WebAuthnError.SignatureInvalid, (await AssertAsync("none-es256", other.PublicKey)).Error);
    }

    [Theory]
    [InlineData("none-es256-crossorigin")]
    [InlineData("none-es256-toporigin")]
    public async Task Vector_CrossOriginCeremonies_RejectedBecauseOurPagesAreNeverFramed(string vector)
    {
        Assert.Contains("crossOrigin\":true", Encoding.UTF8.GetString(V($"{vector}.registration.clientDataJSON")), StringComparison.Ordinal);
        Assert.Equal(WebAuthnError.CrossOrigin, (await RegisterAsync(vector)).Error);
    }

    [Fact]
    public async Task Vector_VerifiedForAnotherRelyingParty_Rejected()
    {
        var elsewhere = WebAuthnRelyingParty.FromPublicBase(new Uri("https://login.example.org/"), "x")!;
        Assert.Equal(WebAuthnError.OriginMismatch, (await RegisterAsync("none-es256", elsewhere)).Error);
    }

    /// <summary>The credential public key's bytes inside the attestation object's authData (L3 §6.5.2), untouched.</summary>
    private static byte[] CoseKeyAsSent(byte[] attestationObject, int credentialIdLength)
    {
        var reader = new CborReader(attestationObject);
        reader.ReadStartMap();
        while (reader.ReadTextString() != "authData")
            reader.SkipValue();
        var authData = reader.ReadByteString();
        var keyStart = 32 + 1 + 4 + 16 + 2 + credentialIdLength;
        var keyReader = new CborReader(authData.AsMemory(keyStart), allowMultipleRootLevelValues: true);
        keyReader.SkipValue();
        return authData[keyStart..(authData.Length - keyReader.BytesRemaining)];
    }
}
