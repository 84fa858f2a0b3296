using System.Buffers.Text;
using System.Security.Cryptography;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>
/// An authentication ceremony's response (WebAuthn L3 §7.2) verified by fido2-net-lib against one stored credential: client
/// data, RP ID hash, flags, the signature and the signature counter. Every <see cref="Fido2VerificationException"/> becomes a refusal.
/// </summary>
public static class AssertionVerifier
{
    private const string AssertionType = "webauthn.get";

    /// <param name="storedPublicKey">The COSE_Key saved at registration.</param>
    /// <param name="storedSignCount">The last signature counter seen for this credential.</param>
    /// <param name="expectedUserHandle">The user handle we gave the credential; a response's userHandle, if present, must match.</param>
    public static async Task<AssertionResult> VerifyAsync(WebAuthnRelyingParty rp, byte[] expectedChallenge, byte[] storedPublicKey, long storedSignCount,
        byte[] expectedUserHandle, AssertionResponse response, bool requireUserVerification = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rp);
        ArgumentNullException.ThrowIfNull(response);
        if (!IsReadable(storedPublicKey))
            return AssertionResult.Fail(WebAuthnError.MalformedKey);
        var asked = WebAuthnOptions.Request(rp, expectedChallenge, [], requireUserVerification);
        AuthenticatorAssertionResponse? parsed = null;
        try
        {
            parsed = AuthenticatorAssertionResponse.Parse(new AuthenticatorAssertionRawResponse
            {
                Id = Base64Url.EncodeToString(response.CredentialId),
                RawId = response.CredentialId,
                Type = PublicKeyCredentialType.PublicKey,
                Response = new AuthenticatorAssertionRawResponse.AssertionResponse
                {
                    ClientDataJson = response.ClientDataJson,
                    AuthenticatorData = response.AuthenticatorData,
                    Signature = response.Signature,
                    // An absent userHandle is null to the library; an empty one it refuses.
                    UserHandle = response.UserHandle.Length == 0 ? null : response.UserHandle,
                },
                ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
            });
            // §7.2 step 6: a returned userHandle names the account that owns the credential: it must be ours.
            var verified = await parsed.VerifyAsync(asked, WebAuthnOptions.Configuration(rp), storedPublicKey,
                (uint)Math.Clamp(storedSignCount, 0, uint.MaxValue),
                (owner, _) => Task.FromResult(expectedUserHandle.Length > 0 && CryptographicOperations.FixedTimeEquals(owner.UserHandle, expectedUserHandle)),
                metadataService: null, requestTokenBindingId: null, ct).ConfigureAwait(false);
            return AssertionResult.Ok(verified.SignCount, parsed.AuthenticatorData.UserVerified);
        }
        catch (Fido2VerificationException e)
        {
            // One code covers a wrong ceremony type, a userHandle of another account and a credential id mismatch.
            if (e.Code == Fido2ErrorCode.InvalidAssertionResponse)
                return AssertionResult.Fail(parsed is not null && parsed.Type != AssertionType ? WebAuthnError.WrongType
                    : parsed?.UserHandle is not null ? WebAuthnError.UserHandleMismatch : WebAuthnError.CredentialIdInvalid);
            return AssertionResult.Fail(Fido2Failures.Of(e.Code, WebAuthnError.MalformedAuthenticatorData));
        }
    }

    /// <summary>
    /// A stored key the library cannot load is our data's fault, not the response's: reported apart. Loading a key is the one
    /// library call that throws whatever its CBOR reader or key import throws (WebAuthnFuzzTests.StoredKey_*).
    /// </summary>
    private static bool IsReadable(byte[] storedPublicKey)
    {
        try
        {
            _ = new CredentialPublicKey(storedPublicKey);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }
}
