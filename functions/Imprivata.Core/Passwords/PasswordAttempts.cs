using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.TemporaryCodes;

namespace Imprivata.Core.Passwords;

/// <summary>
/// One password attempt against an account, counted: consecutive wrong passwords slow further attempts down
/// (<see cref="ThrottleRules.Password"/>; NIST SP 800-63B 5.2.2 rate limiting), on every page that takes a password.
/// Each attempt is counted (or, when it succeeded, the count cleared) before its answer is used, so parallel guesses get no more checks than serial ones.
/// An attempt while the account must wait is refused whatever the password, and is not counted, so an attacker
/// cannot keep the wait going faster than it runs out. Every attempt costs one Argon2id verification and its caller shows
/// one answer for every failure, so whether an account exists, or is waiting, shows neither in the response nor in its
/// timing (no account enumeration: unknown user, wrong password and a waiting account look the same).
/// </summary>
public sealed class PasswordAttempts(PasswordHasher hasher, AccountThrottle throttle, ICodeHasher keyedHash)
{
    /// <summary>Counters of usernames that name nobody start with this (real user ids never do).</summary>
    public const string UnknownUsernamePrefix = "unknown-";

    /// <summary>
    /// <see cref="AuditReasons.Ok"/> when <paramref name="password"/> is the password of <paramref name="user"/>; otherwise
    /// <see cref="AuditReasons.UnknownUser"/> (null user), <see cref="AuditReasons.Throttled"/> (the account must wait),
    /// <see cref="AuditReasons.Contended"/> (too many attempts at once: try again in a moment) or <see cref="AuditReasons.BadCredentials"/>.
    /// Enabled, licence and role checks are the caller's.
    /// </summary>
    /// <param name="username">What was typed: a username that names nobody is counted under a keyed hash of it, so an unknown
    /// account costs the same reads and writes as a known one (its timing shows nothing) and guessing is slowed alike.</param>
    /// <param name="perAddress">When set, the account's attempts are counted per this client address: for an account whose
    /// name everyone knows and that must stay usable (the break-glass administrator), so nobody can hold it in a wait from
    /// elsewhere.</param>
    public async Task<string> VerifyAsync(string username, DirectoryUser? user, string password, CancellationToken ct, string? perAddress = null)
    {
        var counter = user is null ? await UnknownUsernameCounterAsync(username, ct).ConfigureAwait(false)
            : perAddress is null ? user.Id
            : user.Id + "@" + perAddress;
        // The hash runs while the count is read (no latency on the way to a sign-in); its answer is used only once one
        // conditional write counted it (a failure) or cleared the count (a success): one write either way, and a refused
        // attempt learns nothing about the password.
        var reading = throttle.GetAsync(counter, ct);
        var passwordOk = hasher.Verify(password, user?.PasswordHash) && user is not null;
        var settled = await throttle.SettleAsync(counter, await reading.ConfigureAwait(false), passwordOk, ct).ConfigureAwait(false);
        if (!settled.Granted)
            return user is null ? AuditReasons.UnknownUser : settled.Contended ? AuditReasons.Contended : AuditReasons.Throttled;
        return passwordOk ? AuditReasons.Ok : user is null ? AuditReasons.UnknownUser : AuditReasons.BadCredentials;
    }

    /// <summary>
    /// The counter of a username that names nobody: an HMAC under a stored key, never the name itself (a password typed
    /// into the username field must not land in a table, even hashed fast without a key).
    /// </summary>
    public async Task<string> UnknownUsernameCounterAsync(string username, CancellationToken ct)
    {
        var mac = await keyedHash.HashAsync((username ?? "").Trim().ToUpperInvariant(), "password-counter:unknown-username", ct).ConfigureAwait(false);
        return UnknownUsernamePrefix + Convert.ToHexString(mac, 0, 16);
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
