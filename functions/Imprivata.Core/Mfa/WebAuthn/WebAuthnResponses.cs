using System.Buffers.Text;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>What the browser posts after navigator.credentials.create, every binary field base64url (see webauthn.js).</summary>
public sealed record RegistrationResponse(byte[] ClientDataJson, byte[] AttestationObject, string[] Transports)
{
    private static readonly HashSet<string> KnownTransports = new(StringComparer.Ordinal) { "usb", "nfc", "ble", "internal", "hybrid", "smart-card" };

    public static RegistrationResponse? TryParse(string? clientDataJson, string? attestationObject, string? transports)
    {
        var clientData = WebAuthnBase64.Decode(clientDataJson, 8 * 1024);
        var attestation = WebAuthnBase64.Decode(attestationObject, Mfa.WebAuthn.AttestationObject.MaxLength);
        if (clientData is null || attestation is null)
            return null;
        // Transports are hints for later allowCredentials lists: keep only registered values.
        var hints = (transports ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(KnownTransports.Contains).Distinct(StringComparer.Ordinal).Take(8).ToArray();
        return new RegistrationResponse(clientData, attestation, hints);
    }
}

/// <summary>What the browser posts after navigator.credentials.get.</summary>
public sealed record AssertionResponse(byte[] CredentialId, byte[] ClientDataJson, byte[] AuthenticatorData, byte[] Signature, byte[] UserHandle)
{
    public static AssertionResponse? TryParse(string? credentialId, string? clientDataJson, string? authenticatorData, string? signature, string? userHandle)
    {
        var id = WebAuthnBase64.Decode(credentialId, Mfa.WebAuthn.AuthenticatorData.MaxCredentialIdLength);
        var clientData = WebAuthnBase64.Decode(clientDataJson, 8 * 1024);
        var data = WebAuthnBase64.Decode(authenticatorData, Mfa.WebAuthn.AuthenticatorData.MaxLength);
        var sig = WebAuthnBase64.Decode(signature, AssertionVerifier.MaxSignatureLength);
        var handle = string.IsNullOrEmpty(userHandle) ? [] : WebAuthnBase64.Decode(userHandle, 64);
        if (id is not { Length: >= Mfa.WebAuthn.AuthenticatorData.MinCredentialIdLength } || clientData is null || data is null || sig is null || handle is null)
            return null;
        return new AssertionResponse(id, clientData, data, sig, handle);
    }
}

internal static class WebAuthnBase64
{
    /// <summary>Canonical unpadded base64url of at most <paramref name="maxBytes"/> bytes, else null.</summary>
    public static byte[]? Decode(string? text, int maxBytes)
    {
        if (string.IsNullOrEmpty(text) || text.Length > (maxBytes * 4 / 3) + 4 || !Base64Url.IsValid(text))
            return null;
        var bytes = Base64Url.DecodeFromChars(text);
        return bytes.Length <= maxBytes && Base64Url.EncodeToString(bytes) == text ? bytes : null;
    }
}
