using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;
using Imprivata.Core.Telemetry;

namespace Imprivata.Functions.Admin;

/// <summary>
/// Checks an administrator's username and password. Unknown user, wrong password, disabled account and "not an admin"
/// all cost one password hash and give the same answer, as does an account waiting after wrong passwords, so the response
/// reveals nothing (OWASP authentication cheat sheet).
/// </summary>
public sealed class AdminSignIn(IDirectoryStore directory, PasswordAttempts attempts, Login.SignInLimits limits, AuditedUsernames usernames,
    IAuditLog audit, TimeProvider time, ILogger<AdminSignIn> logger, SecurityMetrics metrics)
{
    public const string AuditKind = AuditKinds.AdminLogin;

    public async Task<DirectoryUser?> CheckAsync(string? username, string? password, System.Net.IPAddress? address, string requestId, CancellationToken ct)
    {
        var ip = address?.ToString();
        username = username?.Trim() ?? "";
        password ??= "";
        var user = username.Length is > 0 and <= UserFieldRules.MaxUsernameLength
            ? await directory.FindUserByUsernameAsync(username, ct).ConfigureAwait(false)
            : null;
        // Verified and counted even for unknown users (a dummy hash, a counter of the name) so timing matches a wrong password;
        // wrong passwords are counted with the user's sign-ins to apps (one account, one counter).
        // Password spraying: the address's and the overall window of failures (see SignInLimits), before the password is checked.
        var place = limits.TryReserve(address);
        var verified = place is null ? AuditReasons.RateLimited
            : await attempts.VerifyAsync(username, user, password, ct, AdminBootstrap.CountedPerAddress(user, ip)).ConfigureAwait(false);
        var reason = user is null || verified != AuditReasons.Ok ? verified
            : !user.Enabled ? AuditReasons.UserDisabled
            : user.AdminRole == AdminRole.None ? AuditReasons.Forbidden
            : AuditReasons.Ok;
        await audit.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKind,
            Result = reason == AuditReasons.Ok ? AuditResults.Success : AuditResults.Failure,
            Reason = reason,
            // A name that names nobody may be a password typed in the wrong field: only its keyed fingerprint is recorded.
            Username = await usernames.OfAsync(user?.Username, username, ct).ConfigureAwait(false),
            UserId = user?.Id,
            Actor = user?.Username,
            Methods = "pwd",
            Ip = ip,
            RequestId = requestId,
        }, ct).ConfigureAwait(false);
        metrics.SignIn(SecurityMetrics.Surfaces.Console, reason);
        if (reason == AuditReasons.Ok)
            place!.Succeeded();
        else
        {
            logger.LogInformation("Admin sign-in refused: {Reason}", reason);
            return null;
        }
        return user;
    }
}
