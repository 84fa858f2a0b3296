using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Functions.Mfa.WebAuthn;

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
    /// <summary>The credential's COSE_Key (stored as <see cref="Enrollment.PublicKey"/>).</summary>
    public byte[] PublicKey { get; private init; } = [];
    public int Algorithm { get; private init; }
    public uint SignCount { get; private init; }
    public Guid Aaguid { get; private init; }
    public bool UserVerified { get; private init; }
    public bool BackupEligible { get; private init; }
    public bool BackedUp { get; private init; }
    /// <summary>The attestation statement format (L3 §8: "none", "packed", "tpm", "android-key", ...).</summary>
    public string AttestationFormat { get; private init; } = "none";
    /// <summary>What the statement proved (L3 §6.5.3: "none", "self", "basic", "attca", "anonca"); no trust in a model is implied.</summary>
    public string AttestationType { get; private init; } = "none";

    public static RegistrationResult Fail(WebAuthnError error) => new() { Error = error == WebAuthnError.None ? WebAuthnError.MalformedAttestation : error };

    internal static RegistrationResult Ok(byte[] credentialId, byte[] publicKey, int algorithm, uint signCount, Guid aaguid, bool userVerified,
        bool backupEligible, bool backedUp, string format, string type) => new()
    {
        Succeeded = true,
        CredentialId = credentialId,
        PublicKey = publicKey,
        Algorithm = algorithm,
        SignCount = signCount,
        Aaguid = aaguid,
        UserVerified = userVerified,
        BackupEligible = backupEligible,
        BackedUp = backedUp,
        AttestationFormat = format,
        AttestationType = type,
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

    internal static AssertionResult Ok(uint signCount, bool userVerified) => new()
    {
        Succeeded = true,
        SignCount = signCount,
        UserVerified = userVerified,
        Amr = WebAuthnAmr.Values,
    };
}
