using System.Buffers.Text;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>What the browser posts after navigator.credentials.create, every binary field base64url (see webauthn.js).</summary>
/// <param name="CredentialId">The credential's rawId; the library checks it is the one in the attested credential data.</param>
public sealed record RegistrationResponse(byte[] CredentialId, byte[] ClientDataJson, byte[] AttestationObject, string[] Transports)
{
    public static RegistrationResponse? TryParse(string? credentialId, string? clientDataJson, string? attestationObject, string? transports)
    {
        var id = WebAuthnBase64.Decode(credentialId, WebAuthnLimits.MaxCredentialIdLength);
        var clientData = WebAuthnBase64.Decode(clientDataJson, WebAuthnLimits.MaxClientDataLength);
        var attestation = WebAuthnBase64.Decode(attestationObject, WebAuthnLimits.MaxAttestationObjectLength);
        if (id is not { Length: >= WebAuthnLimits.MinCredentialIdLength } || clientData is null || attestation is null)
            return null;
        // Transports are hints for later allowCredentials lists: keep only registered values.
        var hints = WebAuthnTransports.Parse((transports ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) ?? [];
        return new RegistrationResponse(id, clientData, attestation, WebAuthnTransports.Names(hints.Take(8)));
    }
}

/// <summary>What the browser posts after navigator.credentials.get.</summary>
public sealed record AssertionResponse(byte[] CredentialId, byte[] ClientDataJson, byte[] AuthenticatorData, byte[] Signature, byte[] UserHandle)
{
    public static AssertionResponse? TryParse(string? credentialId, string? clientDataJson, string? authenticatorData, string? signature, string? userHandle)
    {
        var id = WebAuthnBase64.Decode(credentialId, WebAuthnLimits.MaxCredentialIdLength);
        var clientData = WebAuthnBase64.Decode(clientDataJson, WebAuthnLimits.MaxClientDataLength);
        var data = WebAuthnBase64.Decode(authenticatorData, WebAuthnLimits.MaxAuthenticatorDataLength);
        var sig = WebAuthnBase64.Decode(signature, WebAuthnLimits.MaxSignatureLength);
        var handle = string.IsNullOrEmpty(userHandle) ? [] : WebAuthnBase64.Decode(userHandle, 64);
        if (id is not { Length: >= WebAuthnLimits.MinCredentialIdLength } || clientData is null || data is null || sig is null || handle is null)
            return null;
        return new AssertionResponse(id, clientData, data, sig, handle);
    }
}

/// <summary>Sizes past which a posted field is refused before the library parses it.</summary>
public static class WebAuthnLimits
{
    /// <summary>L3 §4 "credential ID": at least 16 bytes (100 bits of entropy); §5.8.3: at most 1023.</summary>
    public const int MinCredentialIdLength = 16;
    public const int MaxCredentialIdLength = 1023;
    public const int MaxClientDataLength = 8 * 1024;
    public const int MaxAttestationObjectLength = 64 * 1024;
    public const int MaxAuthenticatorDataLength = 16 * 1024;
    public const int MaxSignatureLength = 1024;
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
