using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.Policies;
using Imprivata.Core.Settings;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>
/// Push in the web login (framework: Login/Mfa/README.md). The step page sends a push on first view, then reloads itself
/// every 2 seconds (Refresh header: no script on login pages) until the challenge is approved, denied or expired.
/// The enrollment page shows the approver QR code and completes once the phone registered.
/// </summary>
public static class PushLoginEndpoints
{
    public const string LoginPath = MfaLogin.StepPath + "/push";
    public const string EnrollPath = MfaLogin.EnrollPath + "/push";
    private const string ChallengeKey = AuditKinds.PushChallenge;
    private const string CountedKey = AuditKinds.PushCounted;
    private const string EnrollHandleKey = AuditKinds.PushEnrollHandle;

    public static void MapPushLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, ShowAsync);
        app.MapPost(LoginPath + "/resend", ResendAsync);
        app.MapGet(EnrollPath, ShowEnrollAsync);
        app.MapPost(EnrollPath, ContinueEnrollAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, MfaLogin mfa, PushApproval push, IPolicyStore policies, IAppProfileStore apps,
        ISettingsStore settings, FormCsrf csrf)
    {
        var ct = http.RequestAborted;
        var step = await mfa.GetAsync(http);
        if (step is null)
            return MfaEndpoints.Expired(http);
        if (step.Plan.Outcome != PlanOutcome.SecondFactor || !step.Plan.SecondFactors.Contains(Factor.Push))
            return Results.Redirect(MfaLogin.StepPath);

        if (!step.Login.State.TryGetValue(ChallengeKey, out var challengeId))
        {
            var (sent, error) = await SendAsync(http, step, mfa, push, policies, apps);
            if (sent is null)
                return await RenderAsync(http, step, settings, csrf, new PushView("The push could not be sent.", Error: error, CanResend: true));
            challengeId = sent;
            step = step with { Login = await mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [ChallengeKey] = sent }, ct) };
        }

        var status = await push.StatusAsync(challengeId, ct);
        var challenge = await push.FindAsync(challengeId, ct);
        // The challenge must be this login's user's: a state row never points at someone else's approval.
        if (status is null || challenge is null || challenge.UserId != step.User.Id)
            return await RenderAsync(http, step, settings, csrf, new PushView("The push could not be found.", CanResend: true));

        switch (status.State)
        {
            case PushState.Approved:
                return await mfa.CompleteAsync(http, step, Factor.Push);
            case PushState.Pending:
                http.Response.Headers["Refresh"] = "2; url=" + LoginPath;
                var remaining = (int)Math.Max(1, Math.Ceiling((status.ExpiresAt - http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds));
                return await RenderAsync(http, step, settings, csrf, new PushView(
                    status.MatchNumber is null ? "We sent a push to your phone. Approve it there." : "We sent a push to your phone.",
                    status.MatchNumber, remaining));
        }

        // Denied, expired or replaced: count a denial once per challenge (a wrong number is a denial and counts as one failure).
        if (status.State == PushState.Denied && (!step.Login.State.TryGetValue(CountedKey, out var counted) || counted != challengeId))
        {
            await mfa.FailAsync(http, step, Factor.Push, status.Reason ?? PushReasons.Denied);
            step = step with { Login = await mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [CountedKey] = challengeId }, ct) };
        }
        var message = status.Reason switch
        {
            PushReasons.WrongNumber => "The number entered on the phone did not match. The sign-in was denied.",
            PushReasons.FraudReported => "The sign-in was denied and reported.",
            PushReasons.Expired => "The push expired before it was approved.",
            PushReasons.Superseded => "A newer push replaced this one.",
            _ => "The sign-in was denied on the phone.",
        };
        return await RenderAsync(http, step, settings, csrf, new PushView(message, CanResend: status.Reason != PushReasons.FraudReported));
    }

    private static async Task<IResult> ResendAsync(HttpContext http, MfaLogin mfa, PushApproval push, IPolicyStore policies, IAppProfileStore apps,
        ISettingsStore settings, FormCsrf csrf, AuditTrail audit)
    {
        var step = await mfa.GetAsync(http);
        if (step is null)
            return MfaEndpoints.Expired(http);
        if (step.Plan.Outcome != PlanOutcome.SecondFactor || !step.Plan.SecondFactors.Contains(Factor.Push))
            return Results.Redirect(MfaLogin.StepPath);
        if (!await MfaEndpoints.ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id, methods: Factor.Push.Name());
            return MfaEndpoints.Expired(http);
        }
        var (sent, error) = await SendAsync(http, step, mfa, push, policies, apps);
        if (sent is null)
            return await RenderAsync(http, step, settings, csrf, new PushView("The push could not be sent.", Error: error, CanResend: true));
        await mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [ChallengeKey] = sent }, http.RequestAborted);
        return Results.Redirect(LoginPath);
    }

    /// <summary>Sends unless the account throttle says wait; returns the challenge id or the message to show.</summary>
    private static async Task<(string? ChallengeId, string? Error)> SendAsync(HttpContext http, PendingStep step, MfaLogin mfa, PushApproval push,
        IPolicyStore policies, IAppProfileStore apps)
    {
        var ct = http.RequestAborted;
        var wait = await mfa.RetryAfterAsync(step.User, ct);
        if (wait > TimeSpan.Zero)
            return (null, MfaEndpoints.TooManyAttempts(wait));
        var workflow = await policies.GetWorkflowPolicyAsync(ct);
        var app = step.Login.ClientId is { } clientId ? await apps.FindAsync(clientId, ct) : null;
        var result = await push.SendAsync(new PushRequest
        {
            UserId = step.User.Id,
            Username = step.User.Username,
            AppName = app?.DisplayName ?? "Web sign-in",
            ClientIp = http.Connection.RemoteIpAddress?.ToString(),
            NumberMatching = workflow.Options.NumberMatching,
        }, ct);
        if (result.Succeeded)
            return (result.Challenge!.Id, null);
        return (null, result.Refusal switch
        {
            PushReasons.RateLimited => "Too many pushes were sent recently. Wait a few minutes, or use another method.",
            PushReasons.FraudBlocked => "Push approval is stopped for your account after a reported sign-in. Contact your help desk.",
            PushReasons.NoDevice => "No approver device is registered for your account.",
            _ => "The push could not be sent. Try again.",
        });
    }

    private sealed record PushView(string Message, int? MatchNumber = null, int? RemainingSeconds = null, string? Error = null, bool CanResend = false);

    private static async Task<IResult> RenderAsync(HttpContext http, PendingStep step, ISettingsStore settings, FormCsrf csrf, PushView view)
    {
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        PageHeaders.Apply(http);
        return new RazorComponentResult<PushStepPage>(new Dictionary<string, object?>
        {
            [nameof(PushStepPage.Message)] = view.Message,
            [nameof(PushStepPage.MatchNumber)] = view.MatchNumber,
            [nameof(PushStepPage.RemainingSeconds)] = view.RemainingSeconds,
            [nameof(PushStepPage.Error)] = view.Error,
            [nameof(PushStepPage.CanResend)] = view.CanResend,
            [nameof(PushStepPage.ResendAction)] = LoginPath + "/resend",
            [nameof(PushStepPage.Csrf)] = csrf.Issue(http),
            [nameof(PushStepPage.OtherMethods)] = step.Plan.SecondFactors.Count > 1,
            [nameof(PushStepPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(PushStepPage.HasLogo)] = branding.Logo is { Length: > 0 },
        });
    }

    private static async Task<IResult> ShowEnrollAsync(HttpContext http, MfaLogin mfa, ApproverInvites invites, ISettingsStore settings, FormCsrf csrf)
    {
        var step = await mfa.GetAsync(http);
        if (step is null)
            return MfaEndpoints.Expired(http);
        if (step.Plan.Outcome != PlanOutcome.Enroll || !step.Plan.Enrollable.Contains(Factor.Push))
            return Results.Redirect(MfaLogin.StepPath);
        return await RenderEnrollAsync(http, step, mfa, invites, settings, csrf, error: null);
    }

    private static async Task<IResult> ContinueEnrollAsync(HttpContext http, MfaLogin mfa, ApproverInvites invites, ISettingsStore settings,
        FormCsrf csrf, AuditTrail audit)
    {
        var step = await mfa.GetAsync(http);
        if (step is null)
            return MfaEndpoints.Expired(http);
        var enrolling = step.Plan.Outcome == PlanOutcome.Enroll && step.Plan.Enrollable.Contains(Factor.Push);
        // The phone's registration makes the user enrolled, so the re-planned step asks for push instead of enrollment:
        // the invitation this pending login showed must still complete it (else "Continue" would only ever send a push).
        var shownHandle = step.Login.State.GetValueOrDefault(EnrollHandleKey);
        var justEnrolled = shownHandle is not null && step.Plan.Outcome == PlanOutcome.SecondFactor && step.Plan.SecondFactors.Contains(Factor.Push);
        if (!enrolling && !justEnrolled)
            return Results.Redirect(MfaLogin.StepPath);
        if (!await MfaEndpoints.ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id, methods: Factor.Push.Name());
            return MfaEndpoints.Expired(http);
        }
        // Only the invitation shown to this pending login counts, not any handle of the user's.
        var handle = http.Request.Form["handle"].ToString();
        var progress = PushEnrollmentProgress.Unknown;
        if (shownHandle is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(shownHandle), Encoding.UTF8.GetBytes(handle)))
            (progress, _) = await invites.ProgressAsync(step.User.Id, handle, http.RequestAborted);
        if (progress == PushEnrollmentProgress.Completed)
            return await mfa.CompleteAsync(http, step, Factor.Push);
        if (!enrolling)
            return Results.Redirect(MfaLogin.StepPath);
        return await RenderEnrollAsync(http, step, mfa, invites, settings, csrf, progress == PushEnrollmentProgress.Expired
            ? "That code expired. Scan this new one."
            : "Your phone has not registered yet. Scan this new code, register the phone, then continue.");
    }

    private static async Task<IResult> RenderEnrollAsync(HttpContext http, PendingStep step, MfaLogin mfa, ApproverInvites invites, ISettingsStore settings,
        FormCsrf csrf, string? error)
    {
        var invite = await invites.IssueAsync(step.User, http.RequestAborted);
        await mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [EnrollHandleKey] = invite.Handle }, http.RequestAborted);
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        PageHeaders.Apply(http);
        return new RazorComponentResult<PushEnrollPage>(new Dictionary<string, object?>
        {
            [nameof(PushEnrollPage.Url)] = invite.Url,
            [nameof(PushEnrollPage.QrCodeDataUri)] = invite.QrCodeDataUri,
            [nameof(PushEnrollPage.Handle)] = invite.Handle,
            [nameof(PushEnrollPage.Error)] = error,
            [nameof(PushEnrollPage.Action)] = EnrollPath,
            [nameof(PushEnrollPage.Csrf)] = csrf.Issue(http),
            [nameof(PushEnrollPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(PushEnrollPage.HasLogo)] = branding.Logo is { Length: > 0 },
        });
    }
}
