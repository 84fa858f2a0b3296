using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Access-Challenge States (RFC 2865 5.24): 32 random octets sent to the NAS, kept only as a digest bound to the user, the
/// client and the NAS address. The next Access-Request must echo it from the same NAS for the same user, in time, once.
/// </summary>
public sealed class RadiusChallenges(IRadiusChallengeStore store, RadiusOptions options, TimeProvider time)
{
    /// <summary>RFC 2865 5.24 leaves State to the server: at least 16 random octets are needed; 32 leave no room for guessing.</summary>
    public const int StateOctets = 32;

    /// <summary>Stores a challenge for this attempt and returns the Access-Challenge that carries its State.</summary>
    public async Task<RadiusOutcome> IssueAsync(RadiusAttemptContext attempt, RadiusChallengeKind kind, IReadOnlyList<Factor> factors, string message,
        string reason, CancellationToken ct, string? pushChallengeId = null)
    {
        var state = RandomNumberGenerator.GetBytes(StateOctets);
        var now = time.GetUtcNow();
        await store.AddAsync(new RadiusChallenge
        {
            Id = IdOf(state),
            UserId = attempt.User.Id,
            Username = attempt.Request.UserName!,
            ClientName = attempt.Client.Name,
            NasAddress = attempt.Request.NasAddress,
            Kind = kind,
            Factors = factors,
            PushChallengeId = pushChallengeId,
            Proven = attempt.Proven,
            Attributes = attempt.Attributes,
            CreatedAt = now,
            ExpiresAt = now + options.ChallengeLifetime,
        }, ct).ConfigureAwait(false);
        return new RadiusOutcome
        {
            Kind = RadiusOutcomeKind.Challenge,
            Reason = reason,
            ReplyMessage = message,
            State = Convert.ToBase64String(state),
            UserId = attempt.User.Id,
            Factors = attempt.Proven,
        };
    }

    /// <summary>The challenge this request answers, used up now; or null and why it is refused.</summary>
    public async Task<(RadiusChallenge? Challenge, string? Refusal)> TakeAsync(RadiusAuthenticate request, CancellationToken ct)
    {
        RadiusMessages.TryBase64(request.State!, out var state);
        var challenge = await store.FindAsync(IdOf(state), ct).ConfigureAwait(false);
        // A forged, expired, reused, cross-user or cross-NAS State gets Access-Reject (RFC 2865 5.24: State binds the answer to this challenge).
        if (challenge is null)
            return (null, RadiusReasons.StateUnknown);
        if (time.GetUtcNow() >= challenge.ExpiresAt)
            return (null, RadiusReasons.StateExpired);
        if (challenge.UsedAt is not null)
            return (null, RadiusReasons.StateReused);
        if (!string.Equals(challenge.Username.Trim(), request.UserName!.Trim(), StringComparison.OrdinalIgnoreCase))
            return (null, RadiusReasons.StateOtherUser);
        if (challenge.NasAddress != request.NasAddress || !string.Equals(challenge.ClientName, request.Client, StringComparison.OrdinalIgnoreCase))
            return (null, RadiusReasons.StateOtherNas);
        // Single use: of two answers carrying this State, the conditional write lets exactly one through.
        if (!await store.TryUseAsync(challenge, time.GetUtcNow(), ct).ConfigureAwait(false))
            return (null, RadiusReasons.StateReused);
        return (challenge, null);
    }

    private static string IdOf(byte[] state) => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(state));
}
