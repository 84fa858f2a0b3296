using Fido2NetLib.Exceptions;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>fido2-net-lib's error codes as our refusal reasons (audit codes, page messages).</summary>
internal static class Fido2Failures
{
    /// <param name="fallback">What a code that names no particular check means for this ceremony.</param>
    public static WebAuthnError Of(Fido2ErrorCode code, WebAuthnError fallback) => code switch
    {
        Fido2ErrorCode.MalformedAuthenticatorResponse or Fido2ErrorCode.InvalidAuthenticatorResponse => WebAuthnError.MalformedClientData,
        Fido2ErrorCode.MissingAuthenticatorResponseChallenge or Fido2ErrorCode.InvalidAuthenticatorResponseChallenge => WebAuthnError.ChallengeMismatch,
        Fido2ErrorCode.MissingAuthenticatorResponseOrigin or Fido2ErrorCode.InvalidAuthenticatorResponseOrigin => WebAuthnError.OriginMismatch,
        Fido2ErrorCode.CrossOriginRequestNotAllowed or Fido2ErrorCode.InvalidAuthenticatorResponseTopOrigin => WebAuthnError.CrossOrigin,
        Fido2ErrorCode.InvalidRpidHash => WebAuthnError.RpIdMismatch,
        Fido2ErrorCode.UserPresentFlagNotSet => WebAuthnError.UserNotPresent,
        Fido2ErrorCode.UserVerificationRequirementNotMet => WebAuthnError.UserVerificationRequired,
        Fido2ErrorCode.AttestedCredentialDataFlagNotSet => WebAuthnError.MissingCredentialData,
        Fido2ErrorCode.MissingAttestationObject or Fido2ErrorCode.InvalidAttestationObject or Fido2ErrorCode.MalformedAttestationObject
            => WebAuthnError.MalformedAttestation,
        Fido2ErrorCode.UnknownAttestationType or Fido2ErrorCode.MissingAttestationType => WebAuthnError.UnsupportedAttestationFormat,
        Fido2ErrorCode.InvalidAttestation => WebAuthnError.AttestationInvalid,
        Fido2ErrorCode.InvalidCertificateChain or Fido2ErrorCode.UndesiredMetadataStatus or Fido2ErrorCode.AaGuidNotFound
            => WebAuthnError.AttestationUntrusted,
        Fido2ErrorCode.MissingAuthenticatorData or Fido2ErrorCode.InvalidAuthenticatorData or Fido2ErrorCode.InvalidAttestedCredentialData
            or Fido2ErrorCode.MalformedExtensionsDetected or Fido2ErrorCode.UnexpectedExtensionsDetected or Fido2ErrorCode.UnexpectedExtensions
            or Fido2ErrorCode.InvalidBackupFlags => WebAuthnError.MalformedAuthenticatorData,
        Fido2ErrorCode.InvalidCredentialPublicKey or Fido2ErrorCode.MissingStoredPublicKey => WebAuthnError.MalformedKey,
        Fido2ErrorCode.UnimplementedAlgorithm or Fido2ErrorCode.CredentialAlgorithmRequirementNotMet => WebAuthnError.UnsupportedKey,
        Fido2ErrorCode.InvalidSignature => WebAuthnError.SignatureInvalid,
        Fido2ErrorCode.InvalidSignCount => WebAuthnError.SignCountRegressed,
        Fido2ErrorCode.NonUniqueCredentialId => WebAuthnError.CredentialAlreadyRegistered,
        _ => fallback,
    };
}
