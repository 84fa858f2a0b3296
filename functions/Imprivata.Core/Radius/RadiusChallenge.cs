using Imprivata.Core.Mfa;

namespace Imprivata.Core.Radius;

/// <summary>What an Access-Challenge asked for, so the next Access-Request's password is read as the answer to it.</summary>
public enum RadiusChallengeKind
{
    /// <summary>"1 = push, 2 = SMS, 3 = code": the answer picks one of <see cref="RadiusChallenge.Factors"/>.</summary>
    MethodChoice = 0,
    /// <summary>A code: OTP token, SMS, e-mail or temporary code (the factors it may be, in <see cref="RadiusChallenge.Factors"/>).</summary>
    Code = 1,
    /// <summary>Number matching: the number is shown; the next request waits for the push (<see cref="RadiusChallenge.PushChallengeId"/>).</summary>
    NumberMatch = 2,
}

/// <summary>
/// One Access-Challenge's State (RFC 2865 5.24), stored only as a digest: bound to the user, the client and the NAS address
/// it was sent to, short-lived and single use, so a forged, expired, reused, cross-user or cross-NAS State is refused.
/// </summary>
public sealed record RadiusChallenge
{
    /// <summary>base64url(SHA-256(State octets)).</summary>
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Username { get; init; }
    public required string ClientName { get; init; }
    public required string NasAddress { get; init; }
    public required RadiusChallengeKind Kind { get; init; }
    public IReadOnlyList<Factor> Factors { get; init; } = [];
    public string? PushChallengeId { get; init; }
    /// <summary>The factors already done in this sign-in ("password"), carried into the final audit.</summary>
    public string Proven { get; init; } = "";
    /// <summary>What the Access-Accept carries if the answer is right (chosen by the user's groups when the challenge was sent).</summary>
    public IReadOnlyList<RadiusReplyAttribute> Attributes { get; init; } = [];
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; init; }
    public string? Version { get; init; }
}

public interface IRadiusChallengeStore
{
    Task AddAsync(RadiusChallenge challenge, CancellationToken ct);
    Task<RadiusChallenge?> FindAsync(string id, CancellationToken ct);
    /// <summary>Marks it used if unchanged since read: true for exactly one of racing answers.</summary>
    Task<bool> TryUseAsync(RadiusChallenge challenge, DateTimeOffset usedAt, CancellationToken ct);
    /// <summary>Deletes challenges that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct);
}
