namespace Imprivata.Core.Mfa.Otp;

/// <summary>Where a presented code fits a token's state: the counter to store next, or why it does not fit.</summary>
public readonly record struct OtpMatch(OtpOutcome Outcome, long NewCounter)
{
    public bool Accepted => Outcome == OtpOutcome.Accepted;

    /// <summary>
    /// TOTP (RFC 6238 section 5.2): the steps now-1, now and now+1 are accepted (one step of clock drift or network
    /// delay either way, no more). A step at or before <paramref name="lastAcceptedStep"/> was already used: replay
    /// (section 5.2, "MUST NOT accept the second attempt of the same OTP"). NewCounter is the step to store.
    /// </summary>
    public static OtpMatch Totp(byte[] secret, OtpParameters p, string code, DateTimeOffset now, long lastAcceptedStep)
    {
        if (!OtpCode.IsWellFormed(code, p.Digits))
            return new(OtpOutcome.Malformed, lastAcceptedStep);
        var current = OtpCode.TimeStep(now, p.Period);
        var outcome = OtpOutcome.Wrong;
        var accepted = lastAcceptedStep;
        // Every candidate is computed and compared, so the time taken does not tell which step matched.
        for (var step = current - 1; step <= current + 1; step++)
        {
            if (!OtpCode.Equal(OtpCode.Compute(secret, p, step), code))
                continue;
            if (step > lastAcceptedStep && outcome != OtpOutcome.Accepted)
            {
                outcome = OtpOutcome.Accepted;
                accepted = step;
            }
            else if (outcome == OtpOutcome.Wrong)
            {
                outcome = OtpOutcome.Replayed;
            }
        }
        return new(outcome, accepted);
    }

    /// <summary>
    /// HOTP (RFC 4226 section 7.4): the counters next .. next+lookAhead-1 are tried, since a token's button may have been
    /// pressed without logging in; a match moves the counter past it, so the same and every earlier code stop working.
    /// </summary>
    public static OtpMatch Hotp(byte[] secret, OtpParameters p, string code, long nextCounter, int lookAhead)
    {
        if (!OtpCode.IsWellFormed(code, p.Digits))
            return new(OtpOutcome.Malformed, nextCounter);
        long? found = null;
        for (var c = nextCounter; c < nextCounter + lookAhead; c++)
        {
            if (OtpCode.Equal(OtpCode.Compute(secret, p, c), code))
                found ??= c;
        }
        return found is { } match ? new(OtpOutcome.Accepted, match + 1) : new(OtpOutcome.Wrong, nextCounter);
    }

    /// <summary>
    /// HOTP resynchronization (RFC 4226 section 7.4, E.4): two consecutive codes within a larger window re-anchor a token
    /// whose counter ran beyond the look-ahead. A single code in the large window would be far easier to guess, so two.
    /// </summary>
    public static OtpMatch HotpResync(byte[] secret, OtpParameters p, string first, string second, long nextCounter, int window)
    {
        if (!OtpCode.IsWellFormed(first, p.Digits) || !OtpCode.IsWellFormed(second, p.Digits))
            return new(OtpOutcome.Malformed, nextCounter);
        var previousMatched = false;
        for (var c = nextCounter; c <= nextCounter + window; c++)
        {
            var value = OtpCode.Compute(secret, p, c);
            if (previousMatched && OtpCode.Equal(value, second))
                return new(OtpOutcome.Accepted, c + 1);
            previousMatched = OtpCode.Equal(value, first);
        }
        return new(OtpOutcome.Wrong, nextCounter);
    }
}

public enum OtpOutcome
{
    Wrong = 0,
    Accepted,
    Malformed,
    Replayed,
    NotApplicable,
}
