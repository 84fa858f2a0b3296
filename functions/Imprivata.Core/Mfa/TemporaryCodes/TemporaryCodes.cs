using Imprivata.Core.Policies;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Core.Mfa.TemporaryCodes;

/// <summary>
/// Issue, revoke and verify temporary codes. A code works until it expires, is revoked, or the user enrolls or uses an
/// enrolled factor after it was issued (reference, "Temporary Codes": "He can use the temporary code until the code
/// expires, he enrolls ..., he resumes using his typical second factor"). Within that time it is reusable, also
/// concurrently: it replaces a lost device for days, not for one login. Every use is counted.
/// Audit is the caller's: the admin surface knows the actor, the login step knows the request.
/// An administrator's code works only if a superadmin issued it (<see cref="TemporaryCodeState.IssuerMayNotStandIn"/>), checked
/// at every use: a user promoted after the helpdesk gave them a code keeps no helpdesk-issued stand-in for their second factor.
/// </summary>
public sealed class TemporaryCodes(ITemporaryCodeStore store, ICodeHasher hasher, IEnrollmentStore enrollments, UserDirectory.IDirectoryStore directory,
    TemporaryCodeOptions options, TimeProvider time)
{
    /// <param name="issuerId">The administrator's user id: nobody issues a code for themselves (NIST SP 800-63B 6.1.2.3:
    /// a replacement authenticator is bound by someone else after proving the subscriber's identity).</param>
    public async Task<TemporaryCodeResult> IssueAsync(string issuerId, string issuerName, string userId, TimeSpan validity, CancellationToken ct)
    {
        if (string.Equals(issuerId, userId, StringComparison.Ordinal))
            return TemporaryCodeResult.Fail(TemporaryCodeErrors.CannotIssueForSelf);
        if (!TemporaryCodeOptions.ValidityChoices.Contains(validity))
            return TemporaryCodeResult.Fail(TemporaryCodeErrors.ValidityInvalid);
        var code = NewCode(options.Digits);
        var now = time.GetUtcNow();
        var saved = await store.SaveAsync(new TemporaryCode
        {
            UserId = userId,
            Hash = await hasher.HashAsync(code, Context(userId), ct).ConfigureAwait(false),
            IssuedAt = now,
            ExpiresAt = now + validity,
            IssuedBy = issuerName,
        }, ct).ConfigureAwait(false);
        return TemporaryCodeResult.Ok(saved, code);
    }

    public async Task<TemporaryCodeResult> RevokeAsync(string userId, string revokedBy, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var current = await store.FindAsync(userId, ct).ConfigureAwait(false);
            if (current is null || current.RevokedAt is not null)
                return TemporaryCodeResult.Fail(TemporaryCodeErrors.NoActiveCode);
            if (await store.TryUpdateAsync(current with { RevokedAt = time.GetUtcNow(), RevokedBy = revokedBy }, ct).ConfigureAwait(false) is { } revoked)
                return TemporaryCodeResult.Ok(revoked, null);
        }
        return TemporaryCodeResult.Fail(TemporaryCodeErrors.Contended);
    }

    /// <summary>The user's code and its state (never the code itself).</summary>
    public async Task<(TemporaryCode Code, TemporaryCodeState State)?> FindAsync(string userId, CancellationToken ct)
    {
        var code = await store.FindAsync(userId, ct).ConfigureAwait(false);
        return code is null ? null : (code, await StateAsync(code, ct).ConfigureAwait(false));
    }

    /// <summary>Codes that still work, for the helpdesk page.</summary>
    public async Task<IReadOnlyList<TemporaryCode>> ListActiveAsync(CancellationToken ct)
    {
        var active = new List<TemporaryCode>();
        await foreach (var code in store.ListAsync(ct).ConfigureAwait(false))
        {
            if (await StateAsync(code, ct).ConfigureAwait(false) == TemporaryCodeState.Active)
                active.Add(code);
        }
        return [.. active.OrderBy(c => c.ExpiresAt)];
    }

    /// <summary>Called by a login with the code the user typed and the workflow they are in.</summary>
    public async Task<TemporaryCodeResult> VerifyAsync(string userId, string presented, WorkflowKind workflow, CancellationToken ct)
    {
        if (!options.Allows(workflow))
            return TemporaryCodeResult.Fail(TemporaryCodeErrors.WorkflowNotAllowed);
        var typed = Normalize(presented);
        if (typed.Length != options.Digits || !typed.All(char.IsAsciiDigit))
            return TemporaryCodeResult.Fail(TemporaryCodeErrors.Malformed);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var current = await store.FindAsync(userId, ct).ConfigureAwait(false);
            if (current is null)
                return TemporaryCodeResult.Fail(TemporaryCodeErrors.NoActiveCode);
            // Hash first and compare in constant time before telling states apart, so timing shows no more than the reason.
            var matches = CryptographicOperations.FixedTimeEquals(await hasher.HashAsync(typed, Context(userId), ct).ConfigureAwait(false), current.Hash);
            if (!matches)
                return TemporaryCodeResult.Fail(TemporaryCodeErrors.WrongCode);
            var state = await StateAsync(current, ct).ConfigureAwait(false);
            if (state != TemporaryCodeState.Active)
                return TemporaryCodeResult.Fail(state switch
                {
                    TemporaryCodeState.Expired => TemporaryCodeErrors.Expired,
                    TemporaryCodeState.Revoked => TemporaryCodeErrors.Revoked,
                    TemporaryCodeState.IssuerMayNotStandIn => TemporaryCodeErrors.IssuerMayNotStandIn,
                    _ => TemporaryCodeErrors.Superseded,
                });
            // Counting uses must not lose one to a concurrent use; both uses succeed (codes are reusable until they end).
            if (await store.TryUpdateAsync(current with { UseCount = current.UseCount + 1, LastUsedAt = time.GetUtcNow() }, ct).ConfigureAwait(false) is { } used)
                return TemporaryCodeResult.Ok(used, null);
        }
        return TemporaryCodeResult.Fail(TemporaryCodeErrors.Contended);
    }

    private async Task<TemporaryCodeState> StateAsync(TemporaryCode code, CancellationToken ct)
    {
        if (code.RevokedAt is not null)
            return TemporaryCodeState.Revoked;
        if (time.GetUtcNow() >= code.ExpiresAt)
            return TemporaryCodeState.Expired;
        var list = await enrollments.ListAsync(code.UserId, ct).ConfigureAwait(false);
        if (list.Any(e => e.Confirmed && (e.CreatedAt > code.IssuedAt || e.LastUsedAt > code.IssuedAt)))
            return TemporaryCodeState.Superseded;
        if (await directory.FindUserByIdAsync(code.UserId, ct).ConfigureAwait(false) is { AdminRole: not UserDirectory.AdminRole.None } &&
            await directory.FindUserByUsernameAsync(code.IssuedBy, ct).ConfigureAwait(false) is not { AdminRole: UserDirectory.AdminRole.Superadmin })
            return TemporaryCodeState.IssuerMayNotStandIn;
        return TemporaryCodeState.Active;
    }

    private static string NewCode(int digits)
    {
        var builder = new StringBuilder(digits);
        for (var i = 0; i < digits; i++)
            builder.Append(RandomNumberGenerator.GetInt32(10).ToString(CultureInfo.InvariantCulture));
        return builder.ToString();
    }

    /// <summary>Codes may be read out as "12345 67890" or "12345-67890".</summary>
    public static string Normalize(string? code) => new((code ?? "").Where(c => c is not (' ' or '-')).ToArray());

    private static string Context(string userId) => "temporary-code:" + userId;
}

public sealed record TemporaryCodeResult
{
    public TemporaryCode? Code { get; private init; }
    /// <summary>The plaintext code, only in the result of issuing: shown once, never stored.</summary>
    public string? IssuedCode { get; private init; }
    public string? Error { get; private init; } = "unknown";
    public bool Succeeded => Error is null;

    public static TemporaryCodeResult Ok(TemporaryCode code, string? issued) => new() { Code = code, IssuedCode = issued, Error = null };
    public static TemporaryCodeResult Fail(string error) => new() { Error = error };
}

public static class TemporaryCodeErrors
{
    /// <summary>The user holds an administrator role and the code was not issued by a superadmin.</summary>
    public const string IssuerMayNotStandIn = "issuer_may_not_stand_in";
    public const string CannotIssueForSelf = "cannot_issue_for_self";
    public const string ValidityInvalid = "validity_invalid";
    public const string NoActiveCode = "no_temporary_code";
    public const string WrongCode = "wrong_code";
    public const string Malformed = "malformed_code";
    public const string Expired = "temporary_code_expired";
    public const string Revoked = "temporary_code_revoked";
    public const string Superseded = "temporary_code_superseded";
    public const string WorkflowNotAllowed = "workflow_not_allowed";
    public const string Contended = "contended";
    public const string UserNotFound = "not_found";
}
