namespace Imprivata.Core.Mfa.Push;

/// <summary>Where a push challenge is in its life. Only Pending moves; the other states are final.</summary>
public enum PushState
{
    Pending = 0,
    Approved = 1,
    Denied = 2,
    Expired = 3,
    /// <summary>A newer push for the same user replaced it.</summary>
    Cancelled = 4,
}

/// <summary>
/// One push sent to a user's approver device: a row whose state changes exactly once, from Pending to one final state,
/// under an ETag condition (the stand-in for a Durable Functions orchestration: exactly one of approve / deny / expire /
/// cancel wins).
/// </summary>
public sealed record PushChallenge
{
    /// <summary>At least 128 random bits, base64url; the approval signature binds it.</summary>
    public required string Id { get; init; }
    public required string UserId { get; init; }
    /// <summary>What the approver shows as the user (the username).</summary>
    public string Username { get; init; } = "";
    /// <summary>The approver device (Push enrollment) that must sign the decision.</summary>
    public required string EnrollmentId { get; init; }
    /// <summary>The application or RADIUS client the user is signing in to, as the approver shows it.</summary>
    public string AppName { get; init; } = "";
    public string? ClientIp { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Number matching: the 2-digit number (10-99) shown on the login screen; null when off.</summary>
    public int? MatchNumber { get; init; }
    public PushState State { get; init; } = PushState.Pending;
    /// <summary>Why it reached its final state: approved, denied, wrong_number, fraud_reported, expired, superseded.</summary>
    public string? Reason { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    /// <summary>The user denied it and reported that they did not start this sign-in.</summary>
    public bool FraudReported { get; init; }

    /// <summary>Optimistic-concurrency version set by the store; null for a challenge never saved.</summary>
    public string? Version { get; init; }

    public bool IsPending => State == PushState.Pending;

    /// <summary>A pending challenge past its deadline is expired whether or not the deadline message has run yet.</summary>
    public PushState EffectiveState(DateTimeOffset now) => State == PushState.Pending && now >= ExpiresAt ? PushState.Expired : State;
}

/// <summary>Stable lower-case names for audit events and the JSON APIs.</summary>
public static class PushStateNames
{
    public static string Name(this PushState state) => state switch
    {
        PushState.Pending => "pending",
        PushState.Approved => "approved",
        PushState.Denied => "denied",
        PushState.Expired => "expired",
        PushState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
