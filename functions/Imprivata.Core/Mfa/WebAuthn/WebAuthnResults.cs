namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>
/// The RFC 8176 amr values a WebAuthn ceremony proves. "fido" always, "user" because user presence is required.
/// "face" and "fpt" are never added: standard WebAuthn says only that the authenticator verified the user (UV), not how
/// (biometric, PIN or device password), and with attestation "none" there is no metadata to tell the model either.
/// UV is reported separately (<see cref="AssertionResult.UserVerified"/>) for the policy engine.
/// </summary>
public static class WebAuthnAmr
{
    public const string Fido = "fido";
    public const string UserPresence = "user";
    public static IReadOnlyList<string> Values { get; } = [Fido, UserPresence];
}

/// <summary>A verified registration; fails closed (default is not succeeded).</summary>
public sealed record RegistrationResult
{
    public bool Succeeded { get; private init; }
    public WebAuthnError Error { get; private init; }
    public byte[] CredentialId { get; private init; } = [];
    /// <summary>The COSE_Key bytes exactly as the authenticator sent them (stored as <see cref="Enrollment.PublicKey"/>).</summary>
    public byte[] PublicKey { get; private init; } = [];
    public int Algorithm { get; private init; }
    public uint SignCount { get; private init; }
    public Guid Aaguid { get; private init; }
    public bool UserVerified { get; private init; }
    public bool BackupEligible { get; private init; }
    public bool BackedUp { get; private init; }
    public AttestationKind Attestation { get; private init; }

    public static RegistrationResult Fail(WebAuthnError error) => new() { Error = error == WebAuthnError.None ? WebAuthnError.MalformedAttestation : error };

    internal static RegistrationResult Ok(AuthenticatorData data, AttestationKind attestation) => new()
    {
        Succeeded = true,
        CredentialId = data.Credential!.CredentialId,
        PublicKey = data.Credential.KeyBytes,
        Algorithm = data.Credential.Key.Algorithm,
        SignCount = data.SignCount,
        Aaguid = new Guid(data.Credential.Aaguid, bigEndian: true),
        UserVerified = data.UserVerified,
        BackupEligible = data.Flags.HasFlag(AuthenticatorFlags.BackupEligible),
        BackedUp = data.Flags.HasFlag(AuthenticatorFlags.BackedUp),
        Attestation = attestation,
    };
}

/// <summary>A verified assertion; fails closed.</summary>
public sealed record AssertionResult
{
    public bool Succeeded { get; private init; }
    public WebAuthnError Error { get; private init; }
    public uint SignCount { get; private init; }
    public bool UserVerified { get; private init; }
    public IReadOnlyList<string> Amr { get; private init; } = [];
    /// <summary>The enrollment that signed (set by <see cref="WebAuthnCeremonies"/>).</summary>
    public Enrollment? Enrollment { get; init; }

    public static AssertionResult Fail(WebAuthnError error) => new() { Error = error == WebAuthnError.None ? WebAuthnError.SignatureInvalid : error };

    internal static AssertionResult Ok(AuthenticatorData data) => new()
    {
        Succeeded = true,
        SignCount = data.SignCount,
        UserVerified = data.UserVerified,
        Amr = WebAuthnAmr.Values,
    };
}
