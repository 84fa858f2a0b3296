namespace Imprivata.Core.Mfa.Codes;

/// <summary>Outcome of a second-factor code at sign-in; <see cref="Amr"/> says what to put in the token. Failure is the default.</summary>
public sealed record CodeSignInResult(bool Succeeded, string? Error, Enrollment? Enrollment = null, string? Amr = null)
{
    public static CodeSignInResult Failed(string error) => new(false, error);
}

/// <summary>
/// The sign-in step for SMS / e-mail codes: send a code to one of the user's confirmed enrollments, then check it.
/// The step pages call <see cref="SendAsync"/> (also for "send again") and <see cref="VerifyAsync"/>.
/// </summary>
public sealed class CodeSignIns(IEnrollmentStore enrollments, OneTimeCodes codes, TimeProvider time)
{
    /// <summary>The user's confirmed enrollments for a channel (the step page lets the user choose when there are several).</summary>
    public async Task<IReadOnlyList<Enrollment>> EnrolledAsync(string userId, CodeChannel channel, CancellationToken ct) =>
        [.. (await enrollments.ListAsync(userId, ct).ConfigureAwait(false))
            .Where(e => e.Confirmed && e.Factor == channel.Factor() && e.Destination is not null)
            .OrderBy(e => e.CreatedAt)];

    public async Task<CodeIssue> SendAsync(string userId, string enrollmentId, CancellationToken ct)
    {
        var found = await enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
        if (found is not { Confirmed: true, Destination: not null } || !CodeChannels.TryFrom(found.Factor, out var channel))
            return CodeIssue.Failed(CodeErrors.NotFound);
        return await codes.IssueAsync(userId, channel, CodePurpose.SignIn, found.Destination, ct).ConfigureAwait(false);
    }

    public async Task<CodeSignInResult> VerifyAsync(string userId, CodeChannel channel, string? code, CancellationToken ct)
    {
        var check = await codes.VerifyAsync(userId, channel, CodePurpose.SignIn, code, ct).ConfigureAwait(false);
        if (!check.Accepted)
            return CodeSignInResult.Failed(check.Error);
        // The destination must still be enrolled: an enrollment removed after the code was sent no longer counts.
        var enrollment = (await EnrolledAsync(userId, channel, ct).ConfigureAwait(false))
            .FirstOrDefault(e => string.Equals(e.Destination, check.Destination, StringComparison.Ordinal));
        if (enrollment is null)
            return CodeSignInResult.Failed(CodeErrors.NotFound);
        var used = await enrollments.TryUpdateAsync(enrollment with { LastUsedAt = time.GetUtcNow() }, ct).ConfigureAwait(false);
        return new CodeSignInResult(true, null, used ?? enrollment, channel.Amr());
    }
}
