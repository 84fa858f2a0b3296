using System.Buffers.Binary;
using System.Formats.Cbor;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>Authenticator data flags (WebAuthn L3 §6.1).</summary>
[Flags]
public enum AuthenticatorFlags : byte
{
    None = 0,
    UserPresent = 0x01,
    UserVerified = 0x04,
    BackupEligible = 0x08,
    BackedUp = 0x10,
    AttestedCredentialData = 0x40,
    ExtensionData = 0x80,
}

/// <summary>The credential an authenticator attests at registration (WebAuthn L3 §6.5.2).</summary>
public sealed record AttestedCredential(byte[] Aaguid, byte[] CredentialId, CoseKey Key, byte[] KeyBytes);

/// <summary>
/// authenticatorData parsed strictly (WebAuthn L3 §6.1): rpIdHash(32) flags(1) signCount(4, big-endian)
/// [aaguid(16) credentialIdLength(2) credentialId publicKey(COSE)] [extensions(CBOR map)], nothing after.
/// </summary>
public sealed record AuthenticatorData(byte[] RpIdHash, AuthenticatorFlags Flags, uint SignCount, AttestedCredential? Credential)
{
    private const int HeaderLength = 37;
    public const int MaxLength = 16 * 1024;
    /// <summary>§5.8.3: credential ids are at most 1023 bytes; §4: generated ids carry at least 16 bytes.</summary>
    public const int MinCredentialIdLength = 16;
    public const int MaxCredentialIdLength = 1023;

    public bool UserPresent => Flags.HasFlag(AuthenticatorFlags.UserPresent);
    public bool UserVerified => Flags.HasFlag(AuthenticatorFlags.UserVerified);

    public static WebAuthnError TryParse(ReadOnlyMemory<byte> bytes, out AuthenticatorData? data)
    {
        data = null;
        if (bytes.Length is < HeaderLength or > MaxLength)
            return WebAuthnError.MalformedAuthenticatorData;
        var span = bytes.Span;
        var flags = (AuthenticatorFlags)span[32];
        var signCount = BinaryPrimitives.ReadUInt32BigEndian(span[33..37]);
        // §7.1 step 16 / §7.2 step 17: "backed up" without "backup eligible" is invalid. Reserved bits are ignored (§6.1).
        if (flags.HasFlag(AuthenticatorFlags.BackedUp) && !flags.HasFlag(AuthenticatorFlags.BackupEligible))
            return WebAuthnError.MalformedAuthenticatorData;
        var offset = HeaderLength;
        AttestedCredential? credential = null;
        if (flags.HasFlag(AuthenticatorFlags.AttestedCredentialData))
        {
            if (bytes.Length < offset + 18)
                return WebAuthnError.MalformedAuthenticatorData;
            var aaguid = span.Slice(offset, 16).ToArray();
            int idLength = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(offset + 16, 2));
            offset += 18;
            if (idLength is < MinCredentialIdLength or > MaxCredentialIdLength)
                return WebAuthnError.CredentialIdInvalid;
            if (bytes.Length < offset + idLength)
                return WebAuthnError.MalformedAuthenticatorData;
            var credentialId = span.Slice(offset, idLength).ToArray();
            offset += idLength;
            var keyError = CoseKey.TryRead(bytes[offset..], out var key, out var consumed);
            if (keyError != WebAuthnError.None)
                return keyError;
            credential = new AttestedCredential(aaguid, credentialId, key!, bytes.Slice(offset, consumed).ToArray());
            offset += consumed;
        }
        if (flags.HasFlag(AuthenticatorFlags.ExtensionData))
        {
            if (!TrySkipExtensions(bytes[offset..], out var consumed))
                return WebAuthnError.MalformedAuthenticatorData;
            offset += consumed;
        }
        // Trailing bytes mean a length lied somewhere: reject rather than guess.
        if (offset != bytes.Length)
            return WebAuthnError.MalformedAuthenticatorData;
        data = new AuthenticatorData(span[..32].ToArray(), flags, signCount, credential);
        return WebAuthnError.None;
    }

    /// <summary>Extension outputs are a CBOR map; we use none of them, but they must be well-formed and fully consumed.</summary>
    private static bool TrySkipExtensions(ReadOnlyMemory<byte> bytes, out int consumed)
    {
        consumed = 0;
        try
        {
            var reader = new CborReader(bytes, CborConformanceMode.Strict, allowMultipleRootLevelValues: true);
            if (reader.PeekState() != CborReaderState.StartMap)
                return false;
            reader.SkipValue();
            consumed = bytes.Length - reader.BytesRemaining;
            return true;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException)
        {
            return false;
        }
    }
}
