namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>Why a WebAuthn ceremony was rejected. <see cref="None"/> is not a success by itself: results fail closed.</summary>
public enum WebAuthnError
{
    None = 0,
    MalformedClientData,
    WrongType,
    ChallengeMismatch,
    ChallengeExpired,
    /// <summary>The ceremony id is unknown or its challenge was already used (replay).</summary>
    ChallengeUnknown,
    OriginMismatch,
    CrossOrigin,
    TokenBindingUnsupported,
    MalformedAttestation,
    UnsupportedAttestationFormat,
    /// <summary>The attestation statement did not verify (signature, certificate requirements, format rules).</summary>
    AttestationInvalid,
    /// <summary>The attestation chain is not trusted, or metadata marks the authenticator model as compromised.</summary>
    AttestationUntrusted,
    MalformedAuthenticatorData,
    RpIdMismatch,
    UserNotPresent,
    UserVerificationRequired,
    MissingCredentialData,
    CredentialIdInvalid,
    UnsupportedKey,
    MalformedKey,
    SignatureInvalid,
    SignCountRegressed,
    UnknownCredential,
    CredentialOfAnotherUser,
    CredentialAlreadyRegistered,
    UserHandleMismatch,
    ConcurrentUpdate,
    RelyingPartyUnavailable,
}

public static class WebAuthnErrors
{
    /// <summary>Stable reason codes for audit events and error pages.</summary>
    public static string Code(this WebAuthnError error) => error switch
    {
        WebAuthnError.None => "ok",
        WebAuthnError.MalformedClientData => "webauthn_malformed_client_data",
        WebAuthnError.WrongType => "webauthn_wrong_type",
        WebAuthnError.ChallengeMismatch => "webauthn_challenge_mismatch",
        WebAuthnError.ChallengeExpired => "webauthn_challenge_expired",
        WebAuthnError.ChallengeUnknown => "webauthn_challenge_unknown",
        WebAuthnError.OriginMismatch => "webauthn_origin_mismatch",
        WebAuthnError.CrossOrigin => "webauthn_cross_origin",
        WebAuthnError.TokenBindingUnsupported => "webauthn_token_binding",
        WebAuthnError.MalformedAttestation => "webauthn_malformed_attestation",
        WebAuthnError.UnsupportedAttestationFormat => "webauthn_unsupported_attestation_format",
        WebAuthnError.AttestationInvalid => "webauthn_attestation_invalid",
        WebAuthnError.AttestationUntrusted => "webauthn_attestation_untrusted",
        WebAuthnError.MalformedAuthenticatorData => "webauthn_malformed_authenticator_data",
        WebAuthnError.RpIdMismatch => "webauthn_rp_id_mismatch",
        WebAuthnError.UserNotPresent => "webauthn_user_not_present",
        WebAuthnError.UserVerificationRequired => "webauthn_user_verification_required",
        WebAuthnError.MissingCredentialData => "webauthn_missing_credential_data",
        WebAuthnError.CredentialIdInvalid => "webauthn_credential_id_invalid",
        WebAuthnError.UnsupportedKey => "webauthn_unsupported_key",
        WebAuthnError.MalformedKey => "webauthn_malformed_key",
        WebAuthnError.SignatureInvalid => "webauthn_signature_invalid",
        WebAuthnError.SignCountRegressed => "webauthn_sign_count_regressed",
        WebAuthnError.UnknownCredential => "webauthn_unknown_credential",
        WebAuthnError.CredentialOfAnotherUser => "webauthn_credential_of_another_user",
        WebAuthnError.CredentialAlreadyRegistered => "webauthn_credential_already_registered",
        WebAuthnError.UserHandleMismatch => "webauthn_user_handle_mismatch",
        WebAuthnError.ConcurrentUpdate => "webauthn_concurrent_update",
        WebAuthnError.RelyingPartyUnavailable => "webauthn_unavailable",
        _ => "webauthn_error",
    };
}
