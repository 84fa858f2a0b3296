namespace Imprivata.Core.Mfa.Push;

/// <summary>Stable reason codes of push refusals and rejections (audit events, API errors).</summary>
public static class PushReasons
{
    public const string NoDevice = "no_push_device";
    public const string RateLimited = "push_rate_limited";
    public const string FraudBlocked = "push_fraud_blocked";
    public const string Busy = "push_busy";
    public const string UnknownChallenge = "unknown_challenge";
    public const string UnknownDevice = "unknown_device";
    public const string BadSignature = "bad_signature";
    public const string NotPending = "not_pending";
    public const string Expired = "expired";
    public const string WrongNumber = "wrong_number";
    public const string FraudReported = "fraud_reported";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Superseded = "superseded";
}

/// <summary>What the login step asks for: who, which device (null: the user's newest confirmed approver), where from.</summary>
public sealed record PushRequest
{
    public required string UserId { get; init; }
    public string Username { get; init; } = "";
    public string? EnrollmentId { get; init; }
    public string AppName { get; init; } = "";
    public string? ClientIp { get; init; }
    /// <summary>The workflow's "number matching" option.</summary>
    public bool NumberMatching { get; init; }
    /// <summary>How long the user has to answer (a RADIUS client's push timeout); null: <see cref="PushOptions.ChallengeLifetime"/>.</summary>
    public TimeSpan? Lifetime { get; init; }
}

/// <summary>A sent push (Challenge set; show MatchNumber on the login screen when not null) or a refusal with its reason.</summary>
public sealed record PushSendResult
{
    public PushChallenge? Challenge { get; private init; }
    /// <summary>A <see cref="PushReasons"/> code; null on success. Fails closed: default is a refusal.</summary>
    public string? Refusal { get; private init; } = PushReasons.Busy;
    public bool Succeeded => Refusal is null && Challenge is not null;
    public int? MatchNumber => Challenge?.MatchNumber;

    public static PushSendResult Sent(PushChallenge challenge) => new() { Challenge = challenge, Refusal = null };
    public static PushSendResult Refused(string reason) => new() { Refusal = reason };
}

/// <summary>A decision signed by the device.</summary>
public sealed record PushDecision
{
    public required string ChallengeId { get; init; }
    public required PushDecisionKind Kind { get; init; }
    public string? EnteredNumber { get; init; }
    public required byte[] Signature { get; init; }
    /// <summary>The device's IP, for the audit log.</summary>
    public string? DeviceIp { get; init; }
}

/// <summary>
/// Outcome of a device decision: the challenge's final state when the decision was recorded (Approved, or Denied for deny,
/// fraud and a wrong number), or Error when it was rejected and nothing changed. Fails closed.
/// </summary>
public sealed record PushDecisionResult
{
    public PushState? State { get; private init; }
    public string? Reason { get; private init; }
    public string? Error { get; private init; } = PushReasons.NotPending;
    public bool Recorded => Error is null;

    public static PushDecisionResult Done(PushState state, string reason) => new() { State = state, Reason = reason, Error = null };
    public static PushDecisionResult Rejected(string error) => new() { Error = error };
}

/// <summary>What the login page polls: the effective state (a pending challenge past its deadline reads as Expired).</summary>
public sealed record PushStatus(string ChallengeId, PushState State, string? Reason, DateTimeOffset ExpiresAt, int? MatchNumber);

public enum DeadlineOutcome
{
    Expired,
    AlreadyFinal,
    NotYetDue,
    Unknown,
}
