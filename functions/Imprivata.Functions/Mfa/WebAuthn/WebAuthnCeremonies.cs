using System.Buffers.Text;
using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>Registration and assertion of WebAuthn credentials as enrollments of a user.</summary>
/// <remarks>
/// Two ways to keep the challenge: <c>Begin*/Complete*</c> keep it in <see cref="IWebAuthnChallengeStore"/> under a ceremony
/// id; <c>Create*Options/Verify*</c> hand it to the caller (e.g. the pending login), which must drop it before verifying.
/// </remarks>
public sealed class WebAuthnCeremonies(IEnrollmentStore enrollments, IWebAuthnChallengeStore challenges, WebAuthnRelyingParty? rp, TimeProvider time)
{
    /// <summary>The index kind under which <see cref="IEnrollmentStore"/> keeps credential ids.</summary>
    public const string CredentialIndex = "webauthn";
    private const int UserHandleLength = 32;

    /// <summary>False when the public base URL cannot host WebAuthn (an IP address, or plain http off localhost).</summary>
    public bool IsAvailable => rp is not null;

    public WebAuthnRelyingParty? RelyingParty => rp;

    public async Task<IReadOnlyList<Enrollment>> CredentialsAsync(string userId, CancellationToken ct) =>
        [.. (await enrollments.ListAsync(userId, ct).ConfigureAwait(false)).Where(e => e is { Factor: Factor.WebAuthn, Confirmed: true, CredentialId: not null })];

    // ---- registration ----

    public async Task<WebAuthnStart?> CreateRegistrationOptionsAsync(string userId, string userName, string displayName, CancellationToken ct)
    {
        if (rp is null)
            return null;
        var existing = await CredentialsAsync(userId, ct).ConfigureAwait(false);
        // One random handle per user, reused for every credential: never the username or user id (§14.6.1 privacy).
        var handle = existing.Select(e => WebAuthnCredentialProperties.Read(e).UserHandle).FirstOrDefault(h => h is not null) is { } kept
            ? Base64Url.DecodeFromChars(kept)
            : RandomNumberGenerator.GetBytes(UserHandleLength);
        var challenge = NewChallenge(userId, WebAuthnCeremony.Registration) with { UserHandle = handle };
        return new WebAuthnStart(challenge, WebAuthnOptions.Creation(rp, challenge.Value, handle, userName, displayName, existing).ToJson());
    }

    public async Task<WebAuthnStart?> BeginRegistrationAsync(string userId, string userName, string displayName, CancellationToken ct)
    {
        var start = await CreateRegistrationOptionsAsync(userId, userName, displayName, ct).ConfigureAwait(false);
        return start is null ? null : await KeepAsync(start, ct).ConfigureAwait(false);
    }

    public async Task<(RegistrationResult Result, Enrollment? Enrollment)> CompleteRegistrationAsync(string userId, string ceremonyId,
        RegistrationResponse response, string label, CancellationToken ct)
    {
        var challenge = await challenges.TakeAsync(ceremonyId, ct).ConfigureAwait(false);
        return challenge is null
            ? (RegistrationResult.Fail(WebAuthnError.ChallengeUnknown), null)
            : await VerifyRegistrationAsync(userId, challenge, response, label, ct).ConfigureAwait(false);
    }

    /// <summary>Verifies the response and stores the credential as a confirmed enrollment.</summary>
    public async Task<(RegistrationResult Result, Enrollment? Enrollment)> VerifyRegistrationAsync(string userId, WebAuthnChallenge expected,
        RegistrationResponse response, string label, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(response);
        if (rp is null)
            return (RegistrationResult.Fail(WebAuthnError.RelyingPartyUnavailable), null);
        var challengeError = Check(expected, userId, WebAuthnCeremony.Registration);
        if (challengeError != WebAuthnError.None)
            return (RegistrationResult.Fail(challengeError), null);
        var result = await RegistrationVerifier.VerifyAsync(rp, expected.Value, expected.UserHandle!, response, ct: ct).ConfigureAwait(false);
        if (!result.Succeeded)
            return (result, null);

        var credentialId = Base64Url.EncodeToString(result.CredentialId);
        // §7.1 step 25: a credential id registered before (by anyone) is refused, never re-bound.
        if (await enrollments.FindByIndexAsync(CredentialIndex, credentialId, ct).ConfigureAwait(false) is not null)
            return (RegistrationResult.Fail(WebAuthnError.CredentialAlreadyRegistered), null);
        var properties = new WebAuthnCredentialProperties
        {
            UserHandle = expected.UserHandle is { Length: > 0 } handle ? Base64Url.EncodeToString(handle) : null,
            Aaguid = result.Aaguid.ToString(),
            Algorithm = result.Algorithm,
            Transports = response.Transports.Length == 0 ? null : response.Transports,
            UserVerified = result.UserVerified,
            BackupEligible = result.BackupEligible,
            Attestation = result.AttestationType,
            AttestationFormat = result.AttestationFormat,
        };
        var enrollment = new Enrollment
        {
            Id = "wa-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)),
            UserId = userId,
            Factor = Factor.WebAuthn,
            Label = string.IsNullOrWhiteSpace(label) ? "Security key" : label.Trim()[..Math.Min(label.Trim().Length, 64)],
            CreatedAt = time.GetUtcNow(),
            Confirmed = true,
            PublicKey = result.PublicKey,
            CredentialId = credentialId,
            SignCount = result.SignCount,
            Properties = properties.Write(),
        };
        try
        {
            return (result, await enrollments.AddAsync(enrollment, ct).ConfigureAwait(false));
        }
        catch (InvalidOperationException)
        {
            // The store's index refused the id: another registration of the same credential won the race.
            return (RegistrationResult.Fail(WebAuthnError.CredentialAlreadyRegistered), null);
        }
    }

    // ---- assertion ----

    /// <summary>Null when WebAuthn is unavailable or the user has no confirmed credential.</summary>
    public async Task<WebAuthnStart?> CreateAssertionOptionsAsync(string userId, CancellationToken ct)
    {
        if (rp is null)
            return null;
        var credentials = await CredentialsAsync(userId, ct).ConfigureAwait(false);
        if (credentials.Count == 0)
            return null;
        var challenge = NewChallenge(userId, WebAuthnCeremony.Assertion);
        return new WebAuthnStart(challenge, WebAuthnOptions.Request(rp, challenge.Value, credentials).ToJson());
    }

    public async Task<WebAuthnStart?> BeginAssertionAsync(string userId, CancellationToken ct)
    {
        var start = await CreateAssertionOptionsAsync(userId, ct).ConfigureAwait(false);
        return start is null ? null : await KeepAsync(start, ct).ConfigureAwait(false);
    }

    public async Task<AssertionResult> CompleteAssertionAsync(string userId, string ceremonyId, AssertionResponse response, CancellationToken ct)
    {
        var challenge = await challenges.TakeAsync(ceremonyId, ct).ConfigureAwait(false);
        return challenge is null
            ? AssertionResult.Fail(WebAuthnError.ChallengeUnknown)
            : await VerifyAssertionAsync(userId, challenge, response, ct).ConfigureAwait(false);
    }

    /// <summary>Verifies the assertion for <paramref name="userId"/> and advances the credential's signature counter.</summary>
    public async Task<AssertionResult> VerifyAssertionAsync(string userId, WebAuthnChallenge expected, AssertionResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(response);
        if (rp is null)
            return AssertionResult.Fail(WebAuthnError.RelyingPartyUnavailable);
        var challengeError = Check(expected, userId, WebAuthnCeremony.Assertion);
        if (challengeError != WebAuthnError.None)
            return AssertionResult.Fail(challengeError);
        // §7.2 steps 5-6: the credential must be one of this user's; another user's key proves nothing about this one.
        var enrollment = await enrollments.FindByIndexAsync(CredentialIndex, Base64Url.EncodeToString(response.CredentialId), ct).ConfigureAwait(false);
        if (enrollment is not { Factor: Factor.WebAuthn, Confirmed: true, PublicKey: not null })
            return AssertionResult.Fail(WebAuthnError.UnknownCredential);
        if (!string.Equals(enrollment.UserId, userId, StringComparison.Ordinal))
            return AssertionResult.Fail(WebAuthnError.CredentialOfAnotherUser);
        var handle = WebAuthnCredentialProperties.Read(enrollment).UserHandle;
        var result = await AssertionVerifier.VerifyAsync(rp, expected.Value, enrollment.PublicKey, enrollment.SignCount,
            handle is null ? [] : Base64Url.DecodeFromChars(handle), response, ct: ct).ConfigureAwait(false);
        if (!result.Succeeded)
            return result;
        // Step 22 persisted with optimistic concurrency: of two assertions racing on one counter value, one loses.
        var updated = await enrollments.TryUpdateAsync(enrollment with { SignCount = result.SignCount, LastUsedAt = time.GetUtcNow() }, ct).ConfigureAwait(false);
        return updated is null ? AssertionResult.Fail(WebAuthnError.ConcurrentUpdate) : result with { Enrollment = updated };
    }

    // ---- challenges ----

    private WebAuthnChallenge NewChallenge(string userId, WebAuthnCeremony ceremony) =>
        new(RandomNumberGenerator.GetBytes(WebAuthnChallenge.Length), userId, ceremony, time.GetUtcNow() + WebAuthnChallenge.Lifetime);

    private async Task<WebAuthnStart> KeepAsync(WebAuthnStart start, CancellationToken ct)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        await challenges.SaveAsync(id, start.Challenge, ct).ConfigureAwait(false);
        return start with { CeremonyId = id };
    }

    private WebAuthnError Check(WebAuthnChallenge expected, string userId, WebAuthnCeremony ceremony)
    {
        // A challenge issued to another user or for the other ceremony is not this ceremony's challenge.
        if (expected.Ceremony != ceremony || !string.Equals(expected.UserId, userId, StringComparison.Ordinal) || expected.Value.Length < 16)
            return WebAuthnError.ChallengeMismatch;
        // A registration challenge carries the user.id the authenticator was given (L3 §5.4.3: 1-64 bytes).
        if (ceremony == WebAuthnCeremony.Registration && expected.UserHandle is not { Length: >= 1 and <= 64 })
            return WebAuthnError.ChallengeMismatch;
        return time.GetUtcNow() >= expected.ExpiresAt ? WebAuthnError.ChallengeExpired : WebAuthnError.None;
    }
}
