namespace Imprivata.Core.Audit;

/// <summary>One decision or security-relevant action. Never carries a secret.</summary>
public sealed record AuditEvent
{
    public required DateTimeOffset Time { get; init; }
    /// <summary>What happened, one of <see cref="AuditKinds"/> ("login.password", "oidc.authorize", "admin.user.create").</summary>
    public required string Kind { get; init; }
    /// <summary>"success" or "failure".</summary>
    public required string Result { get; init; }
    /// <summary>A stable reason code from <see cref="AuditReasons"/>.</summary>
    public required string Reason { get; init; }
    public string? Username { get; init; }
    public string? UserId { get; init; }
    /// <summary>The administrator who acted, for admin actions.</summary>
    public string? Actor { get; init; }
    public string? ClientId { get; init; }
    public string? Ip { get; init; }
    public string? RequestId { get; init; }
    public string? Methods { get; init; }
    public string? Detail { get; init; }
    /// <summary>Whether the stored row still carries the seal written with it; null on an event not read from the log.</summary>
    public AuditSeal? Seal { get; init; }
}

/// <summary>
/// Each stored event carries a keyed MAC over every field and its place in the log: a row changed, moved or inserted by
/// someone who can write the table but does not hold the key no longer verifies.
/// </summary>
public enum AuditSeal
{
    /// <summary>Written before events were sealed.</summary>
    Unsealed,
    Valid,
    /// <summary>The row does not match its seal: it was changed after it was written.</summary>
    Broken,
}

public static class AuditResults
{
    public const string Success = "success";
    public const string Failure = "failure";
}

public static class AuditReasons
{
    public const string Ok = "ok";
    public const string BadCredentials = "bad_credentials";
    public const string UnknownUser = "unknown_user";
    public const string UserDisabled = "user_disabled";
    public const string NotLicensed = "not_licensed";
    public const string NotDeployed = "app_not_deployed";
    public const string LoginRequired = "login_required";
    public const string HintMismatch = "id_token_hint_mismatch";
    public const string BadCsrf = "bad_csrf";
    public const string Throttled = "throttled";
    /// <summary>Parallel attempts on one account kept winning its attempt counter: refused, to be tried again in a moment.</summary>
    public const string Contended = "contended";
    /// <summary>Too many failed sign-ins from this address, or overall, in the current window.</summary>
    public const string RateLimited = "rate_limited";
    public const string InvalidRequest = "invalid_request";
    public const string Forbidden = "forbidden";
    public const string LoggedOut = "logged_out";
    /// <summary>A credential used after its expiry (the first-administrator setup secret).</summary>
    public const string Expired = "expired";
    /// <summary>The first-administrator setup was refused because it is over: a superadmin exists, or this secret was used.</summary>
    public const string SetupClosed = "setup_closed";
    /// <summary>A store the decision needs (the vault holding the setup secret) could not be read.</summary>
    public const string Unavailable = "unavailable";
}

public interface IAuditLog
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken ct);
    /// <summary>Newest first, within [from, to).</summary>
    IAsyncEnumerable<AuditEvent> QueryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}
