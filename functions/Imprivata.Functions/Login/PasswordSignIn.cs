using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.Policies;
using Imprivata.Core.Settings;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Login;

/// <summary>
/// The password POST of the web login as ordered steps: the form was posted -> its CSRF token is valid -> the password is
/// right, then the access steps after a password (<see cref="AccessSteps.AfterPassword"/>: the policy allows -> step up or
/// grant). Every refusal is audited and rendered in one place (<see cref="RefuseAsync"/>); every one of them shows the same
/// page, and a wrong password, an unknown or disabled user and a policy's refusal all read alike (no account enumeration).
/// </summary>
public sealed class PasswordSignIn(FormCsrf csrf, PasswordCheck passwords, AccessSteps steps, AppAccess apps, SsoSessions sessions, MfaLogin mfa,
    AuditTrail audit, ISettingsStore settings, IAppProfileStore profiles, TimeProvider time)
{
    public const string Methods = "pwd";
    internal const string GenericError = "The username or password is incorrect, or your account cannot sign in here.";
    internal static readonly Refusal NotPosted = new(RefusalKind.InvalidRequest, AuditReasons.InvalidRequest, "The sign-in form was not submitted correctly.");
    internal static readonly Refusal Expired = new(RefusalKind.InvalidRequest, AuditReasons.BadCsrf, "Your sign-in form expired. Please try again.");

    /// <summary>What the steps learned so far: the audit and the page say as much as is known when one refuses.</summary>
    private sealed class Attempt
    {
        public IFormCollection? Form { get; set; }
        public string? Target { get; set; }
        public string? Username { get; set; }
        public string? ClientId { get; set; }
        public DirectoryUser? User { get; set; }
        public bool PasswordChecked { get; set; }
    }

    private delegate ValueTask<Refusal?> Step(HttpContext http, Attempt attempt);

    public async Task<IResult> SubmitAsync(HttpContext http)
    {
        var attempt = new Attempt();
        foreach (var step in new Step[] { FormPostedAsync, CsrfValidAsync, PasswordCorrectAsync })
            if (await step(http, attempt) is { } refusal)
                return await RefuseAsync(http, attempt, refusal);

        var user = attempt.User!;
        var access = new AccessAttempt
        {
            User = user, ClientId = attempt.ClientId, Workflow = WorkflowKind.WebSso, Amr = [Methods], AuthenticatedAt = time.GetUtcNow(),
            OfferEnrollment = true,
        };
        var outcome = await AccessSteps.RunAsync(steps.AfterPassword, access, http.RequestAborted);
        if (outcome is AccessOutcome.Refused refused)
            return await RefuseAsync(http, attempt, refused.Refusal);
        await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Success, AuditReasons.Ok, username: user.Username, userId: user.Id,
            clientId: attempt.ClientId, methods: Methods, detail: access.Plan?.Reason);
        return outcome is AccessOutcome.StepUp
            ? await mfa.BeginAsync(http, user, attempt.Target, attempt.ClientId)
            : await StartSessionAsync(http, attempt, user);
    }

    private static async ValueTask<Refusal?> FormPostedAsync(HttpContext http, Attempt attempt)
    {
        if (!http.Request.HasFormContentType)
            return NotPosted;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        attempt.Form = form;
        attempt.Target = LoginEndpoints.SafeReturnUrl(form["returnUrl"]);
        attempt.Username = form["username"].ToString();
        attempt.ClientId = LoginEndpoints.ClientIdOf(attempt.Target);
        return null;
    }

    private ValueTask<Refusal?> CsrfValidAsync(HttpContext http, Attempt attempt) =>
        new(csrf.IsValid(http, attempt.Form![FormCsrf.FieldName]) ? null : Expired);

    private async ValueTask<Refusal?> PasswordCorrectAsync(HttpContext http, Attempt attempt)
    {
        var result = await passwords.CheckAsync(attempt.Username!, attempt.Form!["password"].ToString(), http.RequestAborted);
        attempt.PasswordChecked = true;
        attempt.User = result.User;
        return result.Succeeded ? null : new Refusal(RefusalKind.AccessDenied, result.Reason, GenericError);
    }

    /// <summary>
    /// The app this sign-in returns to goes into the new session now, in its one write, when the user may use it (the same
    /// check the authorization endpoint makes next); a denied app is never recorded, and the endpoint still says no.
    /// </summary>
    private async Task<IResult> StartSessionAsync(HttpContext http, Attempt attempt, DirectoryUser user)
    {
        var ct = http.RequestAborted;
        var allowed = attempt.ClientId is { } clientId && (await apps.CheckAsync(user, clientId, ct)).Allowed;
        await sessions.StartAsync(http, user, [Methods], allowed ? [attempt.ClientId!] : [], ct);
        // 303: the browser must GET the next step, never re-POST the password (RFC 9110 15.4.4: 303 after a credential POST).
        http.Response.Headers.Location = attempt.Target ?? "/login/done";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>The one place a refused sign-in is audited and shown: the login page again, with what the user may be told.</summary>
    private async Task<IResult> RefuseAsync(HttpContext http, Attempt attempt, Refusal refusal)
    {
        await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Failure, refusal.Reason, username: attempt.User?.Username ?? attempt.Username,
            userId: attempt.User?.Id, clientId: attempt.PasswordChecked ? attempt.ClientId : null, methods: attempt.PasswordChecked ? Methods : null);
        var (message, status) = refusal.Kind == RefusalKind.InvalidRequest
            ? (refusal.Message, StatusCodes.Status400BadRequest)
            : (GenericError, StatusCodes.Status200OK);
        return await LoginEndpoints.RenderAsync(http, settings, profiles, csrf, attempt.Target, attempt.Username, message, status);
    }
}
