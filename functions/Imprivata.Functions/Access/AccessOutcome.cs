using Imprivata.Core.Policies;

namespace Imprivata.Functions.Access;

/// <summary>How an access attempt ends: each front door renders these in its protocol (OAuth error, Access-Reject, SAML status).</summary>
public abstract record AccessOutcome
{
    /// <summary>The user may have what they asked for, with what they proved.</summary>
    public sealed record Granted : AccessOutcome;

    /// <summary>The authentication is not recent enough for the request: the user must sign in again.</summary>
    public sealed record SignInAgain : AccessOutcome;

    /// <summary>The policy wants more first: a second factor, or enrolling one (<see cref="AuthenticationPlan"/> says which).</summary>
    public sealed record StepUp(AuthenticationPlan Plan) : AccessOutcome;

    public sealed record Refused(Refusal Refusal) : AccessOutcome;

    public static AccessOutcome Refuse(RefusalKind kind, string reason, string message) => new Refused(new Refusal(kind, reason, message));
}

/// <summary>A refusal: the audit reason (AuditReasons, PlanReasons) and what the user is told, by kind.</summary>
public sealed record Refusal(RefusalKind Kind, string Reason, string Message);

public enum RefusalKind
{
    /// <summary>The request itself is unusable (a form not posted, an expired CSRF token).</summary>
    InvalidRequest,
    /// <summary>Nobody (or not the expected user) is signed in, and no interface may be shown to fix that.</summary>
    LoginRequired,
    /// <summary>This user may not have this: wrong password, disabled, not licensed, app not deployed, policy says no.</summary>
    AccessDenied,
    /// <summary>The user could get in, but only by interacting (a second factor), which the request forbids.</summary>
    InteractionRequired,
}
