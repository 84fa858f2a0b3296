using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>CollectedClientData checks shared by registration and assertion (WebAuthn L3 §7.1 steps 7-11, §7.2 steps 11-14).</summary>
internal static class ClientData
{
    public const string RegistrationType = "webauthn.create";
    public const string AssertionType = "webauthn.get";
    private const int MaxLength = 8 * 1024;
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 8, AllowDuplicateProperties = false };

    public static WebAuthnError Validate(ReadOnlySpan<byte> json, string expectedType, ReadOnlySpan<byte> expectedChallenge, WebAuthnRelyingParty rp)
    {
        if (json.Length is 0 or > MaxLength)
            return WebAuthnError.MalformedClientData;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), JsonOptions);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return WebAuthnError.MalformedClientData;
            // §7.1 step 7: type must be exactly the ceremony's, so an assertion cannot be replayed as a registration.
            if (StringOf(root, "type") is not { } type)
                return WebAuthnError.MalformedClientData;
            if (!string.Equals(type, expectedType, StringComparison.Ordinal))
                return WebAuthnError.WrongType;
            // Step 8: the challenge we issued, byte for byte, in canonical base64url.
            if (StringOf(root, "challenge") is not { } challenge)
                return WebAuthnError.MalformedClientData;
            if (!ChallengeMatches(challenge, expectedChallenge))
                return WebAuthnError.ChallengeMismatch;
            // Step 9: exactly our public origin; anything else is a phishing site relaying the ceremony.
            if (StringOf(root, "origin") is not { } origin)
                return WebAuthnError.MalformedClientData;
            if (!string.Equals(origin, rp.Origin, StringComparison.Ordinal))
                return WebAuthnError.OriginMismatch;
            // Steps 10-11: our pages are never framed (frame-ancestors 'none'), so a cross-origin ceremony is not ours.
            if (root.TryGetProperty("crossOrigin", out var cross) && cross.ValueKind != JsonValueKind.False)
                return cross.ValueKind == JsonValueKind.True ? WebAuthnError.CrossOrigin : WebAuthnError.MalformedClientData;
            if (root.TryGetProperty("topOrigin", out _))
                return WebAuthnError.CrossOrigin;
            // Token binding (L2 §7.1 step 10): we never negotiate it, so a "present" binding cannot be verified.
            if (root.TryGetProperty("tokenBinding", out var binding) && binding.ValueKind == JsonValueKind.Object
                && binding.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "present")
                return WebAuthnError.TokenBindingUnsupported;
            return WebAuthnError.None;
        }
        catch (JsonException)
        {
            return WebAuthnError.MalformedClientData;
        }
        catch (ArgumentException)
        {
            return WebAuthnError.MalformedClientData;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 inside a string value surfaces only when the string is read.
            return WebAuthnError.MalformedClientData;
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool ChallengeMatches(string encoded, ReadOnlySpan<byte> expected)
    {
        if (encoded.Length > 256 || !Base64Url.IsValid(encoded))
            return false;
        var actual = Base64Url.DecodeFromChars(encoded);
        // Non-canonical encodings (stray padding bits) would decode to the same bytes: require the exact text too.
        if (!string.Equals(Base64Url.EncodeToString(actual), encoded, StringComparison.Ordinal))
            return false;
        return actual.Length == expected.Length && CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
