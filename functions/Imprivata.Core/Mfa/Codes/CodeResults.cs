namespace Imprivata.Core.Mfa.Codes;

/// <summary>Stable reason codes for code failures (audit events, error pages).</summary>
public static class CodeErrors
{
    public const string InvalidDestination = "invalid_destination";
    public const string NoDestination = "no_destination";
    public const string Throttled = "throttled";
    public const string SendFailed = "send_failed";
    public const string UnknownUser = "unknown_user";
    public const string NotFound = "not_found";
    public const string AlreadyEnrolled = "already_enrolled";
    public const string AlreadyConfirmed = "already_confirmed";
    public const string WrongCode = "wrong_code";
    public const string Expired = "expired";
    public const string NoCode = "no_code";
    public const string TooManyAttempts = "too_many_attempts";
}

/// <summary>A code was sent (never carries the code). Failure is the default.</summary>
public sealed record CodeIssue(bool Succeeded, string? Error, string? MaskedDestination = null, DateTimeOffset? ExpiresAt = null)
{
    public static CodeIssue Failed(string error) => new(false, error);
}

public enum CodeOutcome
{
    /// <summary>Default: fail closed.</summary>
    NoCode = 0,
    Accepted = 1,
    Wrong = 2,
    Expired = 3,
    /// <summary>This entry used up the attempts (or they were used up before): the code is void.</summary>
    TooManyAttempts = 4,
}

public readonly record struct CodeCheck(CodeOutcome Outcome, string? Destination = null)
{
    public bool Accepted => Outcome == CodeOutcome.Accepted;

    public string Error => Outcome switch
    {
        CodeOutcome.Accepted => "",
        CodeOutcome.Wrong => CodeErrors.WrongCode,
        CodeOutcome.Expired => CodeErrors.Expired,
        CodeOutcome.TooManyAttempts => CodeErrors.TooManyAttempts,
        _ => CodeErrors.NoCode,
    };
}
