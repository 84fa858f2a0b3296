namespace Imprivata.Core.Mfa.WebAuthn;

public enum WebAuthnCeremony
{
    Registration = 0,
    Assertion = 1,
}

/// <summary>
/// A challenge we issued: random, bound to one user and one ceremony, single use, expiring. Whoever keeps it (the
/// challenge store, or the caller's pending-login state) must discard it before verifying, so it can never be used twice.
/// </summary>
/// <param name="UserHandle">Registration only: the user.id the options gave the authenticator, stored with the credential.</param>
public sealed record WebAuthnChallenge(byte[] Value, string UserId, WebAuthnCeremony Ceremony, DateTimeOffset ExpiresAt, byte[]? UserHandle = null)
{
    public const int Length = 32;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
}

/// <summary>Server-side challenges by ceremony id, for pages that have no other state to keep them in.</summary>
public interface IWebAuthnChallengeStore
{
    Task SaveAsync(string ceremonyId, WebAuthnChallenge challenge, CancellationToken ct);
    /// <summary>Removes and returns the challenge; of concurrent callers exactly one gets it, the others get null.</summary>
    Task<WebAuthnChallenge?> TakeAsync(string ceremonyId, CancellationToken ct);
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}

/// <summary>Options for the browser plus the challenge the server keeps; <see cref="CeremonyId"/> is set when the store keeps it.</summary>
public sealed record WebAuthnStart(WebAuthnChallenge Challenge, string OptionsJson, string? CeremonyId = null);
