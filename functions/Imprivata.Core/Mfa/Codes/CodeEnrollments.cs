using System.Security.Cryptography;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Core.Mfa.Codes;

/// <summary>A pending or confirmed phone / e-mail enrollment step. Failure is the default.</summary>
public sealed record CodeEnrollmentResult(bool Succeeded, string? Error, Enrollment? Enrollment = null, CodeIssue? Issue = null)
{
    public static CodeEnrollmentResult Failed(string error) => new(false, error);
}

/// <summary>
/// Enrolls a phone number or e-mail address for codes: begin (validate, keep an unconfirmed enrollment, send a
/// verification code) -> confirm (the code proves the user reads that destination) -> a confirmed Sms / Email enrollment.
/// </summary>
public sealed class CodeEnrollments(IEnrollmentStore enrollments, IDirectoryStore directory, OneTimeCodes codes, TimeProvider time)
{
    /// <summary>
    /// Starts enrolling <paramref name="destination"/>; for e-mail it defaults to the directory user's address. A new begin
    /// replaces an unconfirmed enrollment of the same channel (its code is voided by the new one).
    /// </summary>
    public async Task<CodeEnrollmentResult> BeginAsync(string userId, CodeChannel channel, string? destination, CancellationToken ct)
    {
        if (await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false) is not { Enabled: true } user)
            return CodeEnrollmentResult.Failed(CodeErrors.UnknownUser);
        var wanted = string.IsNullOrWhiteSpace(destination) ? (channel == CodeChannel.Email ? user.Email : null) : destination;
        if (string.IsNullOrWhiteSpace(wanted))
            return CodeEnrollmentResult.Failed(CodeErrors.NoDestination);
        if (!Destinations.TryNormalize(channel, wanted, out var to))
            return CodeEnrollmentResult.Failed(CodeErrors.InvalidDestination);

        var factor = channel.Factor();
        foreach (var existing in await enrollments.ListAsync(userId, ct).ConfigureAwait(false))
        {
            if (existing.Factor != factor)
                continue;
            if (existing.Confirmed && SameDestination(channel, existing.Destination, to))
                return CodeEnrollmentResult.Failed(CodeErrors.AlreadyEnrolled);
            if (!existing.Confirmed)
                await enrollments.DeleteAsync(userId, existing.Id, ct).ConfigureAwait(false);
        }

        var pending = await enrollments.AddAsync(new Enrollment
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            UserId = userId,
            Factor = factor,
            Label = Destinations.Mask(channel, to),
            CreatedAt = time.GetUtcNow(),
            Destination = to,
        }, ct).ConfigureAwait(false);
        var issue = await codes.IssueAsync(userId, channel, CodePurpose.Enrollment, to, ct).ConfigureAwait(false);
        if (!issue.Succeeded)
        {
            await enrollments.DeleteAsync(userId, pending.Id, ct).ConfigureAwait(false);
            return new CodeEnrollmentResult(false, issue.Error, Issue: issue);
        }
        return new CodeEnrollmentResult(true, null, pending, issue);
    }

    /// <summary>Sends a new verification code for a pending enrollment (the previous one is void).</summary>
    public async Task<CodeEnrollmentResult> ResendAsync(string userId, string enrollmentId, CancellationToken ct)
    {
        if (await PendingAsync(userId, enrollmentId, ct).ConfigureAwait(false) is not { } pending)
            return CodeEnrollmentResult.Failed(CodeErrors.NotFound);
        CodeChannels.TryFrom(pending.Factor, out var channel);
        var issue = await codes.IssueAsync(userId, channel, CodePurpose.Enrollment, pending.Destination!, ct).ConfigureAwait(false);
        return new CodeEnrollmentResult(issue.Succeeded, issue.Error, pending, issue);
    }

    /// <summary>Confirms a pending enrollment with the code sent to its destination.</summary>
    public async Task<CodeEnrollmentResult> ConfirmAsync(string userId, string enrollmentId, string? code, CancellationToken ct)
    {
        var found = await enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
        if (found is null || !CodeChannels.TryFrom(found.Factor, out var channel) || found.Destination is null)
            return CodeEnrollmentResult.Failed(CodeErrors.NotFound);
        if (found.Confirmed)
            return CodeEnrollmentResult.Failed(CodeErrors.AlreadyConfirmed);

        var check = await codes.VerifyAsync(userId, channel, CodePurpose.Enrollment, code, ct).ConfigureAwait(false);
        if (!check.Accepted)
            return CodeEnrollmentResult.Failed(check.Error);
        // The code proves the destination it was sent to, which must be this enrollment's.
        if (!string.Equals(check.Destination, found.Destination, StringComparison.Ordinal))
            return CodeEnrollmentResult.Failed(CodeErrors.NoCode);
        var confirmed = await enrollments.TryUpdateAsync(found with { Confirmed = true, LastUsedAt = time.GetUtcNow() }, ct).ConfigureAwait(false);
        return confirmed is null ? CodeEnrollmentResult.Failed(CodeErrors.NotFound) : new CodeEnrollmentResult(true, null, confirmed);
    }

    private async Task<Enrollment?> PendingAsync(string userId, string enrollmentId, CancellationToken ct)
    {
        var found = await enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
        return found is { Confirmed: false, Destination: not null } && CodeChannels.TryFrom(found.Factor, out _) ? found : null;
    }

    private static bool SameDestination(CodeChannel channel, string? a, string b) =>
        a is not null && string.Equals(Destinations.LimitKey(channel, a), Destinations.LimitKey(channel, b), StringComparison.Ordinal);
}
