using System.Security.Cryptography;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Login;

/// <summary>A pending login with its user and the policy engine's current plan for it.</summary>
public sealed record PendingStep(PendingLogin Login, DirectoryUser User, AuthenticationPlan Plan);

/// <summary>
/// The part of a web login after the password: keeps the pending login (cookie id, state in Tables), asks the policy engine
/// what is still due, and ends in an SSO session whose amr lists exactly the factors completed.
/// </summary>
public sealed class MfaLogin(
    IPendingLoginStore store,
    IDirectoryStore directory,
    PolicyEngine engine,
    IPolicyStore policies,
    SsoSessions sessions,
    AccountThrottle throttle,
    AuditTrail audit,
    IOptions<ServiceOptions> options,
    TimeProvider time)
{
    public const string StepPath = "/login/mfa";
    public const string EnrollPath = "/login/enroll";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly bool _secure = options.Value.PublicBase.Scheme == Uri.UriSchemeHttps;

    public string CookieName => _secure ? "__Host-imp-mfa" : "imp-mfa";

    /// <summary>Called after a correct password when the plan asks for more: remembers the login and sends the browser on.</summary>
    /// <param name="workflow">Web SSO after our password; <see cref="WorkflowKind.SecondFactorOnly"/> when Entra ID did the first factor.</param>
    public async Task<IResult> BeginAsync(HttpContext http, DirectoryUser user, string? returnUrl, string? clientId,
        WorkflowKind workflow = WorkflowKind.WebSso)
    {
        if (LoginEndpoints.ReturnUrlTooLong(returnUrl))
        {
            await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, AuditReasons.InvalidRequest, username: user.Username, userId: user.Id,
                clientId: clientId, detail: "returnUrl too long");
            return LoginEndpoints.ReturnUrlTooLongPage(http);
        }
        var now = time.GetUtcNow();
        var pending = new PendingLogin
        {
            Id = SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(32)),
            UserId = user.Id,
            ReturnUrl = returnUrl,
            ClientId = clientId,
            Completed = workflow == WorkflowKind.SecondFactorOnly ? [] : [Factor.Password],
            Workflow = workflow,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        await store.SaveAsync(pending, http.RequestAborted);
        http.Response.Cookies.Append(CookieName, pending.Id, new CookieOptions
        {
            HttpOnly = true,
            Secure = _secure,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
            MaxAge = Lifetime,
        });
        return SeeOther(StepPath);
    }

    /// <summary>The pending login of this browser, if it is alive and its user may still sign in; else null.</summary>
    public async Task<PendingStep?> GetAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        if (!http.Request.Cookies.TryGetValue(CookieName, out var id) || string.IsNullOrEmpty(id))
            return null;
        var pending = await store.FindAsync(id, ct);
        if (pending is null || pending.ExpiresAt <= time.GetUtcNow())
            return null;
        var user = await directory.FindUserByIdAsync(pending.UserId, ct);
        if (user is null || !user.Enabled || user.CredentialsChangedAt > pending.CreatedAt)
            return null;
        // Re-planned on every step so a policy change or an enrollment made meanwhile takes effect at once.
        var plan = await engine.PlanAsync(user, pending.Workflow, ct);
        // Second factor only never enrolls: whoever holds only the Entra password must not register their own authenticator.
        if (pending.Workflow == WorkflowKind.SecondFactorOnly && plan.Outcome == PlanOutcome.Enroll)
            plan = plan with { Outcome = PlanOutcome.Deny, Reason = PlanReasons.UnenrolledBlocked, Enrollable = [] };
        return new PendingStep(pending, user, plan);
    }

    public async Task<PendingLogin> SaveStateAsync(PendingLogin pending, IReadOnlyDictionary<string, string> changes, CancellationToken ct)
    {
        var state = new Dictionary<string, string>(pending.State);
        foreach (var (k, v) in changes)
            state[k] = v;
        var updated = pending with { State = state };
        await store.SaveAsync(updated, ct);
        return updated;
    }

    /// <summary>How long this user must wait before another second-factor attempt (zero = now).</summary>
    public Task<TimeSpan> RetryAfterAsync(DirectoryUser user, CancellationToken ct) => throttle.RetryAfterAsync(user.Id, ct);

    /// <summary>
    /// Reserves one second-factor attempt before its code or ceremony is checked: counted as a failure until it succeeds,
    /// so parallel guesses get no more checks than serial ones (NIST SP 800-63B 5.2.2). Null when the attempt may go ahead;
    /// else the message to show, the refusal audited (the account must wait, or too many attempts ran at once).
    /// </summary>
    public async Task<string?> ReserveAttemptAsync(HttpContext http, PendingStep step, Factor factor, string auditKind)
    {
        var reservation = await throttle.ReserveAsync(step.User.Id, http.RequestAborted);
        if (reservation.Granted)
            return null;
        if (!reservation.Contended)
            http.Metrics().ThrottleHeld(SecurityMetrics.Throttles.SecondFactor, SecurityMetrics.Surfaces.Web);
        await audit.WriteAsync(http, auditKind, AuditResults.Failure, reservation.Contended ? AuditReasons.Contended : AuditReasons.Throttled,
            username: step.User.Username, userId: step.User.Id, clientId: step.Login.ClientId, methods: factor.Name());
        return reservation.Contended ? TooManyAtOnce : MfaEndpoints.TooManyAttempts(reservation.Wait);
    }

    internal const string TooManyAtOnce = "Too many attempts at once. Try again in a moment.";

    /// <summary>
    /// The user completed <paramref name="factor"/> (a second factor the plan offered, or an enrollment it asked for):
    /// start the SSO session and return to the application.
    /// </summary>
    public async Task<IResult> CompleteAsync(HttpContext http, PendingStep step, Factor factor)
    {
        var ct = http.RequestAborted;
        var offered = step.Plan.Outcome switch
        {
            PlanOutcome.SecondFactor => step.Plan.SecondFactors.Contains(factor),
            PlanOutcome.Enroll => step.Plan.Enrollable.Contains(factor),
            _ => false,
        };
        if (!offered)
        {
            await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, AuditReasons.Forbidden, username: step.User.Username,
                userId: step.User.Id, clientId: step.Login.ClientId, methods: factor.Name(), detail: "factor not offered by policy");
            return Results.Redirect(StepPath);
        }
        await throttle.RecordSuccessAsync(step.User.Id, ct);
        http.Metrics().SecondFactor(factor, AuditReasons.Ok);
        var workflow = await policies.GetWorkflowPolicyAsync(ct);
        var factors = step.Login.Completed.Append(factor).ToList();
        var amr = step.Login.Workflow == WorkflowKind.SecondFactorOnly
            ? FactorAmr.AfterExternalFirstFactor(factor, workflow.Options.EmailCodesCountAsMfa)
            : FactorAmr.Combine(factors, workflow.Options.EmailCodesCountAsMfa);
        return await FinishAsync(http, step, amr, factor.Name());
    }

    /// <summary>"Remind me later": allowed only when the plan says the user may delay enrolling.</summary>
    public async Task<IResult> DelayEnrollmentAsync(HttpContext http, PendingStep step)
    {
        if (step.Plan.Outcome != PlanOutcome.Enroll || !step.Plan.MayDelay)
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.Forbidden, username: step.User.Username,
                userId: step.User.Id, clientId: step.Login.ClientId, detail: "delay not allowed");
            return Results.Redirect(StepPath);
        }
        await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, "delayed", username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId);
        return await FinishAsync(http, step, FactorAmr.Combine(step.Login.Completed, emailCountsAsMfa: false), "delayed");
    }

    /// <summary>The policy no longer asks for anything (e.g. the workflow was disassociated): the password stands.</summary>
    public Task<IResult> AllowAsync(HttpContext http, PendingStep step) =>
        FinishAsync(http, step, FactorAmr.Combine(step.Login.Completed, emailCountsAsMfa: false), step.Plan.Reason);

    /// <summary>A wrong code or a failed ceremony, its attempt already counted by <see cref="ReserveAttemptAsync"/>: audited.</summary>
    public Task FailAsync(HttpContext http, PendingStep step, Factor factor, string reason)
    {
        http.Metrics().SecondFactor(factor, reason);
        return audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, reason, username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: factor.Name());
    }

    /// <summary>A denied push (no guess, so nothing was reserved): counted against the account and audited.</summary>
    public async Task DeniedAsync(HttpContext http, PendingStep step, Factor factor, string reason)
    {
        await throttle.RecordFailureAsync(step.User.Id, http.RequestAborted);
        http.Metrics().SecondFactor(factor, reason);
        await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, reason, username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: factor.Name());
    }

    public async Task AbandonAsync(HttpContext http)
    {
        if (http.Request.Cookies.TryGetValue(CookieName, out var id) && !string.IsNullOrEmpty(id))
            await store.DeleteAsync(id, http.RequestAborted);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", Secure = _secure, HttpOnly = true, SameSite = SameSiteMode.Lax });
    }

    private async Task<IResult> FinishAsync(HttpContext http, PendingStep step, IReadOnlyList<string> amr, string detail)
    {
        await AbandonAsync(http);
        await sessions.StartAsync(http, step.User, amr, [], http.RequestAborted);
        await audit.WriteAsync(http, AuditKinds.LoginComplete, AuditResults.Success, AuditReasons.Ok, username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: string.Join(' ', amr), detail: detail);
        return SeeOther(step.Login.ReturnUrl ?? "/login/done");
    }

    /// <summary>303: after a credential POST the browser must GET the next page (RFC 9110 15.4.4).</summary>
    internal static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
