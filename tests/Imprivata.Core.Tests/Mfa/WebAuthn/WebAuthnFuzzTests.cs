using System.Formats.Cbor;
using System.Security.Cryptography;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Core.Tests.Mfa.WebAuthn;

/// <summary>
/// Mutated attestation objects, authenticator data and COSE keys: every input ends in a result, never an exception.
/// Seeds are fixed so a failure reproduces; the inputs are bounded by the verifier's size limits.
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
    public void Registration_MutatedAttestationObjects_NeverThrow(bool rsa, string format, int seed)
    {
        using var authenticator = new SoftwareAuthenticator(rsa);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var (clientData, original) = authenticator.Register(Rp.Id, Origin, challenge, format);
        Assert.True(RegistrationVerifier.Verify(Rp, challenge, clientData, original).Succeeded);
        var random = new Random(seed);
        for (var i = 0; i < 3000; i++)
        {
            var mutated = Mutate(original, random);
            var result = RegistrationVerifier.Verify(Rp, challenge, clientData, mutated);
            if (!result.Succeeded)
            {
                Assert.NotEqual(WebAuthnError.None, result.Error);
                continue;
            }
            // "none" signs nothing, so a mutated RSA modulus can still be a well-formed key; whatever is accepted must be
            // a key we can load again. "packed" signs authData: its credential id and key cannot change.
            Assert.NotNull(CoseKey.FromBytes(result.PublicKey));
            if (format == "packed")
            {
                Assert.Equal(authenticator.CredentialId, result.CredentialId);
                Assert.Equal(authenticator.CoseKey(), result.PublicKey);
            }
        }
    }

    [Fact]
    public void Assertion_MutatedAuthenticatorDataAndSignatures_NeverThrowNeverVerify()
    {
        using var authenticator = new SoftwareAuthenticator();
        var challenge = RandomNumberGenerator.GetBytes(32);
        var (clientData, authData, signature) = authenticator.Assert(Rp.Id, Origin, challenge);
        var key = authenticator.CoseKey();
        Assert.True(AssertionVerifier.Verify(Rp, challenge, key, 0, [], clientData, authData, signature, []).Succeeded);
        var random = new Random(5);
        for (var i = 0; i < 3000; i++)
        {
            var badData = Mutate(authData, random);
            var badSignature = Mutate(signature, random);
            var bothChanged = AssertionVerifier.Verify(Rp, challenge, key, 0, [], clientData, badData, badSignature, []);
            Assert.False(bothChanged.Succeeded && !(badData.SequenceEqual(authData) && badSignature.SequenceEqual(signature)));
            var dataChanged = AssertionVerifier.Verify(Rp, challenge, key, 0, [], clientData, badData, signature, []);
            Assert.Equal(badData.SequenceEqual(authData), dataChanged.Succeeded);
            var badClientData = Mutate(clientData, random);
            var clientDataChanged = AssertionVerifier.Verify(Rp, challenge, key, 0, [], badClientData, authData, signature, []);
            Assert.Equal(badClientData.SequenceEqual(clientData), clientDataChanged.Succeeded);
        }
    }

    [Theory]
    [InlineData(false, 6)]
    [InlineData(true, 7)]
    public void CoseKey_MutatedKeys_NeverThrow(bool rsa, int seed)
    {
        using var authenticator = new SoftwareAuthenticator(rsa);
        var original = authenticator.CoseKey();
        var random = new Random(seed);
        for (var i = 0; i < 3000; i++)
        {
            var mutated = Mutate(original, random);
            var error = CoseKey.TryRead(mutated, out var key, out var consumed);
            Assert.Equal(error == WebAuthnError.None, key is not null);
            Assert.InRange(consumed, 0, mutated.Length);
            // A key we would store must also verify nothing it did not sign.
            Assert.False(key?.Verify([1, 2, 3], new byte[70]) ?? false);
        }
    }

    [Fact]
    public void Parsers_RandomBytesAndDeepNesting_NeverThrow()
    {
        var random = new Random(8);
        var challenge = new byte[32];
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            RegistrationVerifier.Verify(Rp, challenge, bytes, bytes);
            AuthenticatorData.TryParse(bytes, out _);
            CoseKey.TryRead(bytes, out _, out _);
        }
        // Nesting as deep as the size limits allow, inside a key's unknown label and inside extensions.
        var deep = Enumerable.Repeat((byte)0x81, 15_000).Append((byte)0x00).ToArray();
        byte[] keyWithDeepValue = [0xa3, 0x01, 0x02, 0x03, 0x26, 0x0a, .. deep];
        Assert.Equal(WebAuthnError.MalformedKey, CoseKey.TryRead(keyWithDeepValue, out _, out _));
        byte[] authDataWithDeepExtensions = [.. SoftwareAuthenticator.AuthData(Rp.Id, 0x81, 1), 0xa1, 0x61, 0x78, .. deep];
        Assert.NotEqual(WebAuthnError.None, AuthenticatorData.TryParse(authDataWithDeepExtensions, out _));
        var indefinite = Enumerable.Repeat((byte)0x9f, 15_000).ToArray();
        Assert.NotEqual(WebAuthnError.None, AuthenticatorData.TryParse((byte[])[.. SoftwareAuthenticator.AuthData(Rp.Id, 0x81, 1), 0xa1, 0x61, 0x78, .. indefinite], out _));
    }

    [Fact]
    public void CoseKey_DuplicateLabel_Rejected()
    {
        using var authenticator = new SoftwareAuthenticator();
        var key = authenticator.CoseKey();
        // Same map with an extra "3: -7" entry and a count of 6: a duplicate label must not silently override.
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
        Assert.Equal(WebAuthnError.MalformedKey, CoseKey.TryRead(w.Encode(), out _, out _));
    }

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
