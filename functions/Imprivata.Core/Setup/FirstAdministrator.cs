using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Telemetry;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Core.Setup;

public enum SetupState
{
    /// <summary>No superadmin yet and a setup secret exists: the page accepts it.</summary>
    Open,
    /// <summary>A superadmin exists: setup is over for good (administrators are made in the console now).</summary>
    Closed,
    /// <summary>This deployment has no setup secret (standalone without one): the first administrator comes from the demo's seed.</summary>
    NotConfigured,
}

public sealed record SetupRequest(string? Secret, string? Username, string? DisplayName, string? Password, string? ConfirmPassword);

/// <param name="Reason">An <see cref="AuditReasons"/> code; <see cref="AuditReasons.Ok"/> when the administrator was created.</param>
/// <param name="Problem">For <see cref="AuditReasons.InvalidRequest"/>: the <see cref="DirectoryErrors"/> code of the refused field.</param>
public sealed record SetupOutcome(string Reason, DirectoryUser? User = null, TimeSpan RetryAfter = default, string? Problem = null)
{
    public const string PasswordsDiffer = "password_mismatch";
    public bool Succeeded => Reason == AuditReasons.Ok;
}

/// <summary>
/// Creates a deployment's first superadmin from the one-time setup secret, the way a hospital's cloud team can follow:
/// only while no enabled superadmin exists, only with the secret (compared in constant time) before its expiry, once per
/// secret version, each attempt audited, and wrong guesses slowed down per client address.
/// </summary>
public sealed class FirstAdministrator(IDirectoryStore directory, DirectoryService users, ISetupSecretSource source, ISetupClaims claims,
    IThrottleStore attempts, IAuditLog audit, TimeProvider time, SecurityMetrics metrics)
{
    /// <summary>Five free mistakes (a pasted secret can lose a character), then doubling waits up to 15 minutes per address.</summary>
    public static readonly ThrottleRules PerAddress = new(5, TimeSpan.FromMinutes(15));

    private readonly AccountThrottle _throttle = new(attempts, time, PerAddress);

    /// <summary>
    /// Remembered once seen: finding a superadmin reads the directory, and this page is public, so repeated requests must
    /// not scan a hospital's whole directory each time. A restart (a redeployment) looks again.
    /// </summary>
    private volatile bool _closed;

    public async Task<SetupState> StateAsync(CancellationToken ct)
    {
        if (!source.Configured)
            return SetupState.NotConfigured;
        if (_closed || await SuperadminExistsAsync(ct).ConfigureAwait(false))
        {
            _closed = true;
            return SetupState.Closed;
        }
        return SetupState.Open;
    }

    public async Task<SetupOutcome> CreateAsync(SetupRequest request, string? ip, string requestId, CancellationToken ct)
    {
        var username = request.Username?.Trim() ?? "";
        var key = "address:" + (ip ?? "unknown");
        // Online guessing of the secret: a per-address wait after repeated failures (NIST SP 800-63B 5.2.2).
        var wait = await _throttle.RetryAfterAsync(key, ct).ConfigureAwait(false);
        if (wait > TimeSpan.Zero)
        {
            metrics.ThrottleHeld(SecurityMetrics.Throttles.SetupSecret, SecurityMetrics.Surfaces.Setup);
            return await AuditedAsync(new SetupOutcome(AuditReasons.Throttled, RetryAfter: wait), username, ip, requestId, ct).ConfigureAwait(false);
        }
        if (await StateAsync(ct).ConfigureAwait(false) != SetupState.Open)
            return await AuditedAsync(new SetupOutcome(AuditReasons.SetupClosed), username, ip, requestId, ct).ConfigureAwait(false);

        SetupSecret? secret;
        try
        {
            secret = await source.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (SetupSecretUnavailableException e)
        {
            return await AuditedAsync(new SetupOutcome(AuditReasons.Unavailable), username, ip, requestId, ct, e.Message).ConfigureAwait(false);
        }
        // Compared before anything else is said about the secret, so a guess learns nothing (not even that it expired).
        if (secret is null || !Matches(secret.Value, request.Secret))
        {
            await _throttle.RecordFailureAsync(key, ct).ConfigureAwait(false);
            return await AuditedAsync(new SetupOutcome(AuditReasons.BadCredentials), username, ip, requestId, ct).ConfigureAwait(false);
        }
        if (!secret.UsableAt(time.GetUtcNow()))
            return await AuditedAsync(new SetupOutcome(AuditReasons.Expired), username, ip, requestId, ct).ConfigureAwait(false);
        if (await claims.IsClaimedAsync(secret.Version, ct).ConfigureAwait(false))
            return await AuditedAsync(new SetupOutcome(AuditReasons.SetupClosed), username, ip, requestId, ct).ConfigureAwait(false);

        var fields = new UserFields
        {
            Username = username,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? username : request.DisplayName.Trim(),
            AdminRole = AdminRole.Superadmin,
        };
        // Checked before the claim, so a mistyped field does not use the secret up.
        var problem = UserFieldRules.Check(fields) ?? PasswordRules.Check(request.Password)
            ?? (request.Password != request.ConfirmPassword ? SetupOutcome.PasswordsDiffer : null);
        if (problem is not null)
            return await AuditedAsync(new SetupOutcome(AuditReasons.InvalidRequest, Problem: problem), username, ip, requestId, ct).ConfigureAwait(false);
        if (!await claims.TryClaimAsync(secret.Version, ct).ConfigureAwait(false))
            return await AuditedAsync(new SetupOutcome(AuditReasons.SetupClosed), username, ip, requestId, ct).ConfigureAwait(false);
        var created = await users.CreateUserAsync(fields, request.Password, ct).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            await claims.ReleaseAsync(secret.Version, ct).ConfigureAwait(false);
            return await AuditedAsync(new SetupOutcome(AuditReasons.InvalidRequest, Problem: created.Error), username, ip, requestId, ct).ConfigureAwait(false);
        }
        return await AuditedAsync(new SetupOutcome(AuditReasons.Ok, created.Value), username, ip, requestId, ct).ConfigureAwait(false);
    }

    private async Task<bool> SuperadminExistsAsync(CancellationToken ct)
    {
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
            if (user is { AdminRole: AdminRole.Superadmin, Enabled: true })
                return true;
        return false;
    }

    /// <summary>Hashes first so the comparison takes the same time whatever the lengths (constant-time, OWASP secrets management).</summary>
    private static bool Matches(string expected, string? given) => CryptographicOperations.FixedTimeEquals(
        SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given?.Trim() ?? "")));

    private async Task<SetupOutcome> AuditedAsync(SetupOutcome outcome, string username, string? ip, string requestId, CancellationToken ct,
        string? detail = null)
    {
        await audit.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.AdminSetup,
            Result = outcome.Succeeded ? AuditResults.Success : AuditResults.Failure,
            Reason = outcome.Reason,
            Username = username.Length <= UserFieldRules.MaxUsernameLength ? username : username[..UserFieldRules.MaxUsernameLength],
            UserId = outcome.User?.Id,
            Ip = ip,
            RequestId = requestId,
            Detail = detail ?? outcome.Problem,
        }, ct).ConfigureAwait(false);
        return outcome;
    }
}
