using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;

namespace Imprivata.Functions.Login;

/// <summary>The outcome of a username/password check: the user on success, else a reason code for the audit only.</summary>
/// <param name="KnownUsername">The username of the account the typed name named, success or not (null: it names nobody),
/// for the audit only.</param>
public sealed record PasswordCheckResult(DirectoryUser? User, string Reason, string? KnownUsername = null)
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Username + password against the built-in directory. Unknown user, wrong password, throttled, disabled and unlicensed all
/// cost one Argon2id verification and look the same to the caller (no account enumeration: same response and timing).
/// </summary>
public sealed class PasswordCheck(IDirectoryStore directory, PasswordAttempts attempts)
{
    /// <param name="address">The client's address: the break-glass administrator's attempts are counted per address.</param>
    public async Task<PasswordCheckResult> CheckAsync(string username, string password, string? address, CancellationToken ct)
    {
        var user = string.IsNullOrWhiteSpace(username) || username.Length > 256
            ? null
            : await directory.FindUserByUsernameAsync(username.Trim(), ct);
        var reason = await attempts.VerifyAsync(username ?? "", user, password ?? "", ct, Admin.AdminBootstrap.CountedPerAddress(user, address));
        if (user is null || reason != AuditReasons.Ok)
            return new(null, reason, user?.Username);
        if (!user.Enabled)
            return new(null, AuditReasons.UserDisabled, user.Username);
        if (!user.LicensedForSso)
            return new(null, AuditReasons.NotLicensed, user.Username);
        return new(user, AuditReasons.Ok, user.Username);
    }
}
