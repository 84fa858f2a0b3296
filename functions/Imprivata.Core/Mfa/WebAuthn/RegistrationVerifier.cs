using System.Security.Cryptography;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>Verifies a registration ceremony's response (WebAuthn L3 §7.1), one rule per step, failing on the first.</summary>
public static class RegistrationVerifier
{
    public static RegistrationResult Verify(WebAuthnRelyingParty rp, ReadOnlySpan<byte> expectedChallenge,
        ReadOnlyMemory<byte> clientDataJson, ReadOnlyMemory<byte> attestationObject, bool requireUserVerification = false)
    {
        ArgumentNullException.ThrowIfNull(rp);
        // Steps 5-11: type "webauthn.create", our challenge, our origin, not cross-origin.
        var error = ClientData.Validate(clientDataJson.Span, ClientData.RegistrationType, expectedChallenge, rp);
        if (error != WebAuthnError.None)
            return RegistrationResult.Fail(error);
        // Step 12: hash of the exact bytes the authenticator signed over.
        var clientDataHash = SHA256.HashData(clientDataJson.Span);
        // Step 13: CBOR decode {fmt, attStmt, authData}.
        error = AttestationObject.TryParse(attestationObject, out var attestation);
        if (error != WebAuthnError.None)
            return RegistrationResult.Fail(error);
        error = AuthenticatorData.TryParse(attestation!.AuthData, out var data);
        if (error != WebAuthnError.None)
            return RegistrationResult.Fail(error);
        // Step 14: the credential is scoped to our RP ID, not another site's.
        if (!CryptographicOperations.FixedTimeEquals(data!.RpIdHash, rp.IdHash))
            return RegistrationResult.Fail(WebAuthnError.RpIdMismatch);
        // Step 15: user presence is required for every ceremony.
        if (!data.UserPresent)
            return RegistrationResult.Fail(WebAuthnError.UserNotPresent);
        // Step 16: user verification only when the policy requires it (we ask for "preferred").
        if (requireUserVerification && !data.UserVerified)
            return RegistrationResult.Fail(WebAuthnError.UserVerificationRequired);
        // Steps 19-20: a registration carries the new credential and its key (ES256 or RS256 only: step 20's alg check).
        if (data.Credential is null)
            return RegistrationResult.Fail(WebAuthnError.MissingCredentialData);
        // Steps 21-22: verify the attestation statement; we claim no trust beyond what it proves.
        error = attestation.Verify(data.Credential, clientDataHash, out var kind);
        return error == WebAuthnError.None ? RegistrationResult.Ok(data, kind) : RegistrationResult.Fail(error);
    }
}
