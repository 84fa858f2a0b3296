using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Mfa.WebAuthn;

namespace Imprivata.Functions.Tests.Mfa.WebAuthn;

/// <summary>
/// Mutated attestation objects, authenticator data, client data and stored keys through the library: every input ends in a
/// refusal value, never an exception. Seeds are fixed so a failure reproduces; inputs stay within the posted-field limits.
/// </summary>
public sealed class WebAuthnFuzzTests
{
    private const string Origin = "https://login.example.org";
    private static readonly WebAuthnRelyingParty Rp = RegistrationVerifierTests.Rp;
    private static readonly byte[] Interesting = [0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x38, 0x40, 0x58, 0x5b, 0x5f, 0x60, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xf7, 0xf9, 0xfb, 0xff];

    [Theory]
    [InlineData(false, "none", 1)]
    [InlineData(false, "packed", 2)]
    [InlineData(true, "none", 3)]
    [InlineData(true, "packed", 4)]
    public async Task Registration_MutatedAttestationObjects_NeverThrow(bool rsa, string format, int seed)
    {
        using var authenticator = new SoftwareAuthenticator(rsa);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var (clientData, original) = authenticator.Register(Rp.Id, Origin, challenge, format);
        Assert.True((await RegisterAsync(authenticator.CredentialId, challenge, clientData, original)).Succeeded);
        var random = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var result = await RegisterAsync(authenticator.CredentialId, challenge, clientData, Mutate(original, random));
            if (!result.Succeeded)
            {
                Assert.NotEqual(WebAuthnError.None, result.Error);
                continue;
            }
            // "none" signs nothing, so a mutated RSA modulus can still be a well-formed key; whatever is accepted must be a key
            // the assertion side loads again, and that verifies nothing it did not sign. "packed" signs authData: nothing changes.
            var (assertClientData, authData, _) = authenticator.Assert(Rp.Id, Origin, challenge);
            var forged = await AssertionVerifier.VerifyAsync(Rp, challenge, result.PublicKey, 0, [],
                new AssertionResponse(authenticator.CredentialId, assertClientData, authData, new byte[72], []));
            Assert.False(forged.Succeeded);
            Assert.NotEqual(WebAuthnError.MalformedKey, forged.Error);
            if (format == "packed")
            {
                Assert.Equal(authenticator.CredentialId, result.CredentialId);
                Assert.Equal(authenticator.CoseKey(), result.PublicKey);
            }
        }
    }

    [Fact]
    public async Task Assertion_MutatedAuthenticatorDataSignaturesAndClientData_NeverThrowNeverVerify()
    {
        using var authenticator = new SoftwareAuthenticator();
        var challenge = RandomNumberGenerator.GetBytes(32);
        var (clientData, authData, signature) = authenticator.Assert(Rp.Id, Origin, challenge);
        var key = authenticator.CoseKey();
        Task<AssertionResult> VerifyAsync(byte[] c, byte[] a, byte[] s) =>
            AssertionVerifier.VerifyAsync(Rp, challenge, key, 0, [], new AssertionResponse(authenticator.CredentialId, c, a, s, []));
        Assert.True((await VerifyAsync(clientData, authData, signature)).Succeeded);
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var badData = Mutate(authData, random);
            var badSignature = Mutate(signature, random);
            var bothChanged = await VerifyAsync(clientData, badData, badSignature);
            Assert.False(bothChanged.Succeeded && !(badData.SequenceEqual(authData) && badSignature.SequenceEqual(signature)));
            Assert.Equal(badData.SequenceEqual(authData), (await VerifyAsync(clientData, badData, signature)).Succeeded);
            var badClientData = Mutate(clientData, random);
            Assert.Equal(badClientData.SequenceEqual(clientData), (await VerifyAsync(badClientData, authData, signature)).Succeeded);
        }
    }

    [Theory]
    [InlineData(false, 6)]
    [InlineData(true, 7)]
    public async Task StoredKey_Mutated_RefusedNeverThrown(bool rsa, int seed)
    {
        using var authenticator = new SoftwareAuthenticator(rsa);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var (clientData, authData, signature) = authenticator.Assert(Rp.Id, Origin, challenge, increment: false);
        var original = authenticator.CoseKey();
        var random = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var mutated = Mutate(original, random);
            // A key we would load must verify nothing it did not sign: here, a signature over other data.
            var result = await AssertionVerifier.VerifyAsync(Rp, challenge, mutated, 0, [],
                new AssertionResponse(authenticator.CredentialId, clientData, authData, authenticator.Sign([1, 2, 3]), []));
            Assert.False(result.Succeeded);
            Assert.NotEqual(WebAuthnError.None, result.Error);
        }
        Assert.True((await AssertionVerifier.VerifyAsync(Rp, challenge, original, 0, [],
            new AssertionResponse(authenticator.CredentialId, clientData, authData, signature, []))).Succeeded);
    }

    [Fact]
    public async Task RandomBytesAndDeepNesting_Refused()
    {
        var random = new Random(8);
        var challenge = new byte[32];
        var id = RandomNumberGenerator.GetBytes(32);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            Assert.False((await RegisterAsync(id, challenge, bytes, bytes)).Succeeded);
            Assert.False((await AssertionVerifier.VerifyAsync(Rp, challenge, bytes, 0, [], new AssertionResponse(id, bytes, bytes, bytes, bytes))).Succeeded);
        }

        // Nesting as deep as the size limits allow: in the attestation statement, in a stored key, in extensions, in client data.
        using var authenticator = new SoftwareAuthenticator();
        var deep = Enumerable.Repeat((byte)0x81, 15_000).Append((byte)0x00).ToArray();
        var (clientData, attestation) = authenticator.Register(Rp.Id, Origin, challenge);
        byte[] deepStatement = [0xa3, 0x63, .. "fmt"u8, 0x64, .. "none"u8, 0x67, .. "attStmt"u8, 0xa1, 0x61, 0x78, .. deep, .. attestation.AsSpan(attestation.AsSpan().IndexOf("hauthData"u8))];
        Assert.Equal(WebAuthnError.MalformedAttestation, (await RegisterAsync(authenticator.CredentialId, challenge, clientData, deepStatement)).Error);
        var (assertClientData, authData, signature) = authenticator.Assert(Rp.Id, Origin, challenge);
        byte[] keyWithDeepValue = [0xa3, 0x01, 0x02, 0x03, 0x26, 0x0a, .. deep];
        Assert.Equal(WebAuthnError.MalformedKey, (await AssertionVerifier.VerifyAsync(Rp, challenge, keyWithDeepValue, 0, [],
            new AssertionResponse(authenticator.CredentialId, assertClientData, authData, signature, []))).Error);
        byte[] authDataWithDeepExtensions = [.. SoftwareAuthenticator.AuthData(Rp.Id, 0x81, 1), 0xa1, 0x61, 0x78, .. deep];
        Assert.False((await AssertionVerifier.VerifyAsync(Rp, challenge, authenticator.CoseKey(), 0, [],
            new AssertionResponse(authenticator.CredentialId, assertClientData, authDataWithDeepExtensions, signature, []))).Succeeded);
        var deepJson = Encoding.UTF8.GetBytes(new string('[', 4000) + new string(']', 4000));
        Assert.Equal(WebAuthnError.MalformedClientData, (await RegisterAsync(authenticator.CredentialId, challenge, deepJson, attestation)).Error);
    }

    [Fact]
    public async Task StoredKey_DuplicateLabel_Refused()
    {
        using var authenticator = new SoftwareAuthenticator();
        var challenge = RandomNumberGenerator.GetBytes(32);
        var (clientData, authData, signature) = authenticator.Assert(Rp.Id, Origin, challenge);
        // Same map with an extra "3: -257" entry and a count of 6: a duplicate label must not silently override.
        var key = authenticator.CoseKey();
        var w = new CborWriter(CborConformanceMode.Lax);
        var r = new CborReader(key);
        r.ReadStartMap();
        w.WriteStartMap(6);
        for (var i = 0; i < 5; i++)
        {
            w.WriteInt32(r.ReadInt32());
            w.WriteEncodedValue(r.ReadEncodedValue().Span);
        }
        w.WriteInt32(3);
        w.WriteInt32(-257);
        w.WriteEndMap();
        var result = await AssertionVerifier.VerifyAsync(Rp, challenge, w.Encode(), 0, [],
            new AssertionResponse(authenticator.CredentialId, clientData, authData, signature, []));
        Assert.Equal(WebAuthnError.MalformedKey, result.Error);
    }

    private static Task<RegistrationResult> RegisterAsync(byte[] credentialId, byte[] challenge, byte[] clientData, byte[] attestationObject) =>
        RegistrationVerifier.VerifyAsync(Rp, challenge, RegistrationVerifierTests.Handle, new RegistrationResponse(credentialId, clientData, attestationObject, []));

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(0, Math.Max(1, bytes.Count));
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
                case 2: bytes.Insert(Math.Min(at, bytes.Count), Interesting[random.Next(Interesting.Length)]); break;
                case 3 when bytes.Count > 0: bytes.RemoveAt(at); break;
                case 4: bytes.RemoveRange(Math.Min(at, bytes.Count), bytes.Count - Math.Min(at, bytes.Count)); break;
                default: if (bytes.Count > 0) bytes[at] = (byte)random.Next(256); break;
            }
        }
        return [.. bytes];
    }
}
