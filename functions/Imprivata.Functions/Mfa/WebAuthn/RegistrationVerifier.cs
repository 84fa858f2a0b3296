using System.Buffers.Text;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>
/// A registration ceremony's response (WebAuthn L3 §7.1) verified by fido2-net-lib: client data, RP ID hash, flags, algorithm
/// and the attestation statement of every registered format. The library reports malformed input of any kind as a
/// <see cref="Fido2VerificationException"/> (WebAuthnFuzzTests hold it to that): each becomes a refusal, never an exception.
/// </summary>
public static class RegistrationVerifier
{
    private const string RegistrationType = "webauthn.create";

    /// <param name="userHandle">The user.id the options gave the authenticator (1-64 bytes, L3 §5.4.3).</param>
    public static async Task<RegistrationResult> VerifyAsync(WebAuthnRelyingParty rp, byte[] expectedChallenge, byte[] userHandle, RegistrationResponse response,
        bool requireUserVerification = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rp);
        ArgumentNullException.ThrowIfNull(response);
        var asked = WebAuthnOptions.Creation(rp, expectedChallenge, userHandle, "", "", [], requireUserVerification);
        AuthenticatorAttestationResponse? parsed = null;
        try
        {
            parsed = AuthenticatorAttestationResponse.Parse(new AuthenticatorAttestationRawResponse
            {
                Id = Base64Url.EncodeToString(response.CredentialId),
                RawId = response.CredentialId,
                Type = PublicKeyCredentialType.PublicKey,
                Response = new AuthenticatorAttestationRawResponse.AttestationResponse
                {
                    ClientDataJson = response.ClientDataJson,
                    AttestationObject = response.AttestationObject,
                    Transports = [],
                },
                ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
            });
            // §7.1 step 25 (credential id not yet registered) needs the store: WebAuthnCeremonies checks it.
            var credential = await parsed.VerifyAsync(asked, WebAuthnOptions.Configuration(rp), (_, _) => Task.FromResult(true),
                metadataService: null, requestTokenBindingId: null, ct).ConfigureAwait(false);
            var authData = parsed.AttestationObject.AuthData;
            var key = authData.AttestedCredentialData!.CredentialPublicKey;
            // L3 §4: a credential id carries at least 16 bytes; shorter ones could never be used at login (AssertionResponse).
            if (credential.Id.Length < WebAuthnLimits.MinCredentialIdLength)
                return RegistrationResult.Fail(WebAuthnError.CredentialIdInvalid);
            return RegistrationResult.Ok(credential.Id, credential.PublicKey, (int)WebAuthnOptions.Algorithms.First(p => key.IsSameAlg(p.Alg)).Alg,
                credential.SignCount, credential.AaGuid, authData.UserVerified, credential.IsBackupEligible, credential.IsBackedUp,
                credential.AttestationFormat, credential.AttestationType);
        }
        catch (Fido2VerificationException e)
        {
            // The library reports a wrong ceremony type under the same code as a wrong credential id; its parse tells them apart.
            if (e.Code == Fido2ErrorCode.InvalidAttestationResponse)
                return RegistrationResult.Fail(parsed is not null && parsed.Type != RegistrationType ? WebAuthnError.WrongType : WebAuthnError.CredentialIdInvalid);
            return RegistrationResult.Fail(Fido2Failures.Of(e.Code, WebAuthnError.MalformedAttestation));
        }
    }
}
