namespace Imprivata.Core.Mfa.Otp;

/// <summary>
/// Checks a code against a user's confirmed OTP-token enrollments (authenticator apps, approver seeds stored as OTP
/// tokens, hardware tokens) and stores the advanced counter / last step with optimistic concurrency: of two concurrent
/// submissions of one code exactly one succeeds, the other re-reads the new state and sees a replay.
/// Failure throttling is the caller's (policy engine) concern; every outcome here carries a reason for its audit event.
/// </summary>
public sealed class OtpTokenVerifier(IEnrollmentStore enrollments, OtpOptions options, TimeProvider time)
{
    private const int Attempts = 4;

    public async Task<OtpVerification> VerifyAsync(string userId, string code, CancellationToken ct)
    {
        code = Normalize(code);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var tokens = (await enrollments.ListAsync(userId, ct).ConfigureAwait(false)).Where(IsUsableToken).ToList();
            if (tokens.Count == 0)
                return OtpVerification.Fail(OtpReasons.NotEnrolled);
            var now = time.GetUtcNow();
            var failure = OtpReasons.WrongCode;
            Enrollment? winner = null;
            foreach (var token in tokens)
            {
                var match = Match(token, code, now);
                if (match.Accepted)
                {
                    winner ??= token with { Counter = match.NewCounter, LastUsedAt = now };
                }
                else
                {
                    failure = Worse(failure, match.Outcome);
                }
            }
            if (winner is null)
                return OtpVerification.Fail(failure);
            if (await enrollments.TryUpdateAsync(winner, ct).ConfigureAwait(false) is { } stored)
                return OtpVerification.Ok(stored);
            // Another request changed this token since we read it: re-read, the code may now be a replay.
        }
        return OtpVerification.Fail(OtpReasons.Contended);
    }

    /// <summary>Re-anchors an HOTP token's counter with two consecutive codes (user self-service or administrator).</summary>
    public async Task<OtpVerification> ResyncAsync(string userId, string enrollmentId, string first, string second, CancellationToken ct)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var token = await enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
            if (token is null || !IsUsableToken(token))
                return OtpVerification.Fail(OtpReasons.NotFound);
            if (ParametersOf(token).Kind != OtpKind.Hotp)
                return OtpVerification.Fail(OtpReasons.NotHotp);
            var match = OtpMatch.HotpResync(token.Secret!, ParametersOf(token), Normalize(first), Normalize(second), token.Counter, options.HotpResyncWindow);
            if (!match.Accepted)
                return OtpVerification.Fail(match.Outcome == OtpOutcome.Malformed ? OtpReasons.MalformedCode : OtpReasons.WrongCode);
            if (await enrollments.TryUpdateAsync(token with { Counter = match.NewCounter }, ct).ConfigureAwait(false) is { } stored)
                return OtpVerification.Ok(stored);
        }
        return OtpVerification.Fail(OtpReasons.Contended);
    }

    internal OtpMatch Match(Enrollment token, string code, DateTimeOffset now) => ParametersOf(token) is { Kind: OtpKind.Hotp } hotp
        ? OtpMatch.Hotp(token.Secret!, hotp, code, token.Counter, options.HotpLookAhead)
        : OtpMatch.Totp(token.Secret!, ParametersOf(token), code, now, token.Counter);

    /// <summary>
    /// OTP tokens, and approver devices with a seed: the approver shows a token code too (the policy engine counts it as
    /// the OTP-token factor), 6-digit SHA-1 TOTP unless its enrollment says otherwise.
    /// </summary>
    public static bool IsUsableToken(Enrollment e) =>
        e.Factor is Factor.OtpToken or Factor.Push && e.Confirmed && e.Secret is { Length: > 0 } && OtpCode.IsSupported(ParametersOf(e));

    private static OtpParameters ParametersOf(Enrollment e) => e.Otp ?? TotpEnrollment.AppParameters;

    /// <summary>Users type "123 456" or paste with spaces; nothing else is forgiven.</summary>
    public static string Normalize(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();

    /// <summary>With several tokens, the most telling failure wins the audit reason: replay over malformed over wrong.</summary>
    private static string Worse(string current, OtpOutcome outcome) => outcome switch
    {
        OtpOutcome.Replayed => OtpReasons.ReplayedCode,
        OtpOutcome.Malformed when current == OtpReasons.WrongCode => OtpReasons.MalformedCode,
        _ => current,
    };
}
