using System.Security.Cryptography;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>Verifies an authentication ceremony's response (WebAuthn L3 §7.2) against one stored credential.</summary>
public static class AssertionVerifier
{
    public const int MaxSignatureLength = 1024;

    /// <param name="storedPublicKey">The COSE_Key saved at registration.</param>
    /// <param name="storedSignCount">The last signature counter seen for this credential.</param>
    /// <param name="expectedUserHandle">The user handle we gave the credential; a response's userHandle, if present, must match.</param>
    public static AssertionResult Verify(WebAuthnRelyingParty rp, ReadOnlySpan<byte> expectedChallenge,
        ReadOnlyMemory<byte> storedPublicKey, long storedSignCount, ReadOnlySpan<byte> expectedUserHandle,
        ReadOnlyMemory<byte> clientDataJson, ReadOnlyMemory<byte> authenticatorData, ReadOnlySpan<byte> signature,
        ReadOnlySpan<byte> userHandle, bool requireUserVerification = false)
    {
        ArgumentNullException.ThrowIfNull(rp);
        // Step 6: a returned userHandle names the account that owns the credential: it must be ours.
        if (!userHandle.IsEmpty && (expectedUserHandle.IsEmpty || !CryptographicOperations.FixedTimeEquals(userHandle, expectedUserHandle)))
            return AssertionResult.Fail(WebAuthnError.UserHandleMismatch);
        if (CoseKey.FromBytes(storedPublicKey) is not { } key)
            return AssertionResult.Fail(WebAuthnError.MalformedKey);
        // Steps 10-14: type "webauthn.get", our challenge, our origin, not cross-origin.
        var error = ClientData.Validate(clientDataJson.Span, ClientData.AssertionType, expectedChallenge, rp);
        if (error != WebAuthnError.None)
            return AssertionResult.Fail(error);
        error = AuthenticatorData.TryParse(authenticatorData, out var data);
        if (error != WebAuthnError.None)
            return AssertionResult.Fail(error);
        // Step 15: signed for our RP ID.
        if (!CryptographicOperations.FixedTimeEquals(data!.RpIdHash, rp.IdHash))
            return AssertionResult.Fail(WebAuthnError.RpIdMismatch);
        // Step 16: user presence is required.
        if (!data.UserPresent)
            return AssertionResult.Fail(WebAuthnError.UserNotPresent);
        // Step 17: user verification only when the policy requires it.
        if (requireUserVerification && !data.UserVerified)
            return AssertionResult.Fail(WebAuthnError.UserVerificationRequired);
        // Steps 20-21: the stored key signed authenticatorData || SHA-256(clientDataJSON).
        if (signature.Length is 0 or > MaxSignatureLength)
            return AssertionResult.Fail(WebAuthnError.SignatureInvalid);
        var signed = AttestationObject.Concat(authenticatorData.Span, SHA256.HashData(clientDataJson.Span));
        if (!key.Verify(signed, signature))
            return AssertionResult.Fail(WebAuthnError.SignatureInvalid);
        // Step 22: when either counter is non-zero, it must grow; otherwise the authenticator may have been cloned.
        if ((data.SignCount != 0 || storedSignCount != 0) && data.SignCount <= storedSignCount)
            return AssertionResult.Fail(WebAuthnError.SignCountRegressed);
        return AssertionResult.Ok(data);
    }
}
