namespace Imprivata.Core.Radius;

/// <summary>Where a user's push for one NAS is: being sent, out, or decided.</summary>
public enum RadiusPushWaitState
{
    Sending = 0,
    Pending = 1,
    Approved = 2,
    /// <summary>Denied, expired, cancelled or refused (rate limit, fraud stop): <see cref="RadiusPushWait.Reason"/> says which.</summary>
    Failed = 3,
}

/// <summary>
/// The one push of a user at a NAS, and every request waiting for it: however often the gateway retransmits or fails over
/// between edges, they join this row (ETag-conditional writes) instead of sending another push. When the push is decided
/// the row turns final first, then every waiter gets the decision.
/// </summary>
public sealed record RadiusPushWait
{
    public const int MaxWaiters = 64;

    public required string UserId { get; init; }
    public required string NasAddress { get; init; }
    public required string Username { get; init; }
    public required string ClientName { get; init; }
    public string NasName { get; init; } = "";
    public RadiusPushWaitState State { get; init; }
    public string? ChallengeId { get; init; }
    public int? MatchNumber { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When the push stops waiting (its deadline); for Sending, when the send is given up as lost.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    public string? Reason { get; init; }
    /// <summary>What the Access-Accept carries when the push is approved (the client's group attributes for this user).</summary>
    public IReadOnlyList<RadiusReplyAttribute> Attributes { get; init; } = [];
    public string Proven { get; init; } = "";
    public IReadOnlyList<RadiusReplyTo> Waiters { get; init; } = [];
    public string? Version { get; init; }

    public bool IsFinal => State is RadiusPushWaitState.Approved or RadiusPushWaitState.Failed;
}

public interface IRadiusPushWaitStore
{
    Task<RadiusPushWait?> FindAsync(string userId, string nasAddress, CancellationToken ct);
    /// <summary>The user's rows that wait for this push (one per NAS at most, usually one).</summary>
    Task<IReadOnlyList<RadiusPushWait>> FindByChallengeAsync(string userId, string challengeId, CancellationToken ct);
    /// <summary>Inserts (Version null) or replaces (Version matches); null when another writer won.</summary>
    Task<RadiusPushWait?> TrySaveAsync(RadiusPushWait wait, CancellationToken ct);
    /// <summary>Deletes final or lapsed rows last changed before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}
