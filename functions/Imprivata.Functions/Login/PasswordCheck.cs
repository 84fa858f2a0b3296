using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;

namespace Imprivata.Functions.Login;

/// <summary>The outcome of a username/password check: the user on success, else a reason code for the audit only.</summary>
public sealed record PasswordCheckResult(DirectoryUser? User, string Reason)
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Username + password against the built-in directory. Unknown user, wrong password, throttled, disabled and unlicensed all
/// cost one Argon2id verification and look the same to the caller (no account enumeration: same response and timing).
/// </summary>
public sealed class PasswordCheck(IDirectoryStore directory, PasswordAttempts attempts)
{
    public async Task<PasswordCheckResult> CheckAsync(string username, string password, CancellationToken ct)
    {
        var user = string.IsNullOrWhiteSpace(username) || username.Length > 256
            ? null
            : await directory.FindUserByUsernameAsync(username.Trim(), ct);
        var reason = await attempts.VerifyAsync(username ?? "", user, password ?? "", ct);
        if (user is null || reason != AuditReasons.Ok)
            return new(null, reason);
        if (!user.Enabled)
            return new(null, AuditReasons.UserDisabled);
        if (!user.LicensedForSso)
            return new(null, AuditReasons.NotLicensed);
        return new(user, AuditReasons.Ok);
    }
}
