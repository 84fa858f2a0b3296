using Imprivata.Core.Audit;
using Imprivata.Core.Directory;
using Imprivata.Core.Mfa;

namespace Imprivata.Core.Passwords;

/// <summary>
/// One password attempt against an account, counted: consecutive wrong passwords slow further attempts down
/// (<see cref="ThrottleRules.Password"/>; NIST SP 800-63B 5.2.2 rate limiting), on every page that takes a password.
/// An attempt while the account must wait is refused whatever the password, and is not counted, so an attacker
/// cannot keep the wait going faster than it runs out. Every attempt costs one Argon2id verification and its caller shows
/// one answer for every failure, so whether an account exists, or is waiting, shows neither in the response nor in its
/// timing (security-tests: unknown user / wrong password / locked look the same).
/// </summary>
public sealed class PasswordAttempts(PasswordHasher hasher, AccountThrottle throttle)
{
    /// <summary>
    /// <see cref="AuditReasons.Ok"/> when <paramref name="password"/> is the password of <paramref name="user"/>; otherwise
    /// <see cref="AuditReasons.UnknownUser"/> (null user), <see cref="AuditReasons.Throttled"/> or <see cref="AuditReasons.BadCredentials"/>.
    /// Enabled, licence and role checks are the caller's.
    /// </summary>
    public async Task<string> VerifyAsync(DirectoryUser? user, string password, CancellationToken ct)
    {
        // The counter is read while the hash runs: the wait costs no latency on the way to a successful sign-in.
        var counted = user is null ? null : throttle.GetAsync(user.Id, ct);
        var passwordOk = hasher.Verify(password, user?.PasswordHash);
        if (user is null || counted is null)
            return AuditReasons.UnknownUser;
        var state = await counted.ConfigureAwait(false);
        if (throttle.RetryAfter(state) > TimeSpan.Zero)
            return AuditReasons.Throttled;
        if (!passwordOk)
        {
            await throttle.RecordFailureAsync(user.Id, ct).ConfigureAwait(false);
            return AuditReasons.BadCredentials;
        }
        await throttle.RecordSuccessAsync(user.Id, state, ct).ConfigureAwait(false);
        return AuditReasons.Ok;
    }

    /// <summary>
    /// Forgets the account's wrong passwords, after an administrator set a new password: the user the helpdesk just gave
    /// a password to must not wait out delays earned with the old one. True when there was a count to forget.
    /// </summary>
    public async Task<bool> ForgetFailuresAsync(string userId, CancellationToken ct)
    {
        var state = await throttle.GetAsync(userId, ct).ConfigureAwait(false);
        await throttle.RecordSuccessAsync(userId, state, ct).ConfigureAwait(false);
        return state.ConsecutiveFailures > 0;
    }
}
