namespace Imprivata.Core.Mfa.Push;

/// <summary>
/// Per-user push bookkeeping, one row per user updated under its ETag: the recent sends (rate limit), the pending challenge
/// (a new push cancels it), wrong-number failures, and the fraud block that stops pushes until an administrator clears it.
/// </summary>
public sealed record PushUserState
{
    public required string UserId { get; init; }
    public string Username { get; init; } = "";
    /// <summary>Send times inside the rate-limit window (older ones are dropped on every send).</summary>
    public IReadOnlyList<DateTimeOffset> RecentSends { get; init; } = [];
    public string? PendingChallengeId { get; init; }
    public int WrongNumberFailures { get; init; }
    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>Set by "deny and report fraud"; only an administrator clears it.</summary>
    public bool FraudBlocked { get; init; }
    public DateTimeOffset? FraudReportedAt { get; init; }
    public string? FraudChallengeId { get; init; }
    /// <summary>App and IP of the reported sign-in, for the administrator's alert.</summary>
    public string? FraudAppName { get; init; }
    public string? FraudClientIp { get; init; }

    public string? Version { get; init; }
}
