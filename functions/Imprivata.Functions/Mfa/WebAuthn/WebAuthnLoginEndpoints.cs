using Imprivata.Functions.Login;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Core.Policies;
using Imprivata.Core.Settings;
using Imprivata.Functions.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>What the WebAuthn step handlers use, bound from DI in one parameter.</summary>
public sealed record WebAuthnStepServices(MfaLogin Mfa, WebAuthnCeremonies Ceremonies, IWebAuthnChallengeStore Challenges,
    ISettingsStore Settings, FormCsrf Csrf, AuditTrail Audit);

/// <summary>
/// GET shows a page whose script runs navigator.credentials.get (login) or .create (enrollment); POST verifies what it sent.
/// The ceremony id is kept in the pending login, never in the form: a response counts only for the challenge this login was
/// last shown, and the challenge store hands each challenge out once (replays and double posts find nothing).
/// </summary>
public static class WebAuthnLoginEndpoints
{
    internal const string LoginCeremonyKey = "webauthn.login";
    internal const string EnrollCeremonyKey = "webauthn.enroll";
    /// <summary>Audit reason: the posted fields were not a well-formed WebAuthn response.</summary>
    public const string MalformedResponse = "webauthn_malformed_response";
    /// <summary>Audit reason: the browser reported an error (cancelled, timed out, not supported).</summary>
    public const string ClientError = "webauthn_client_error";

    private enum Ceremony { Login, Enroll }

    public static Task<IResult> ShowLoginAsync(HttpContext http, [AsParameters] WebAuthnStepServices s) => StepAsync(http, s, Ceremony.Login, post: false);

    public static Task<IResult> VerifyLoginAsync(HttpContext http, [AsParameters] WebAuthnStepServices s) => StepAsync(http, s, Ceremony.Login, post: true);

    public static Task<IResult> ShowEnrollAsync(HttpContext http, [AsParameters] WebAuthnStepServices s) => StepAsync(http, s, Ceremony.Enroll, post: false);

    public static Task<IResult> VerifyEnrollAsync(HttpContext http, [AsParameters] WebAuthnStepServices s) => StepAsync(http, s, Ceremony.Enroll, post: true);

    private static async Task<IResult> StepAsync(HttpContext http, WebAuthnStepServices s, Ceremony ceremony, bool post)
    {
        var step = await s.Mfa.GetAsync(http);
        if (step is null)
            return MfaEndpoints.Expired(http);
        var plan = step.Plan;
        var offered = ceremony == Ceremony.Enroll
            ? plan.Outcome == PlanOutcome.Enroll && plan.Enrollable.Contains(Factor.WebAuthn)
            : plan.Outcome == PlanOutcome.SecondFactor && plan.SecondFactors.Contains(Factor.WebAuthn);
        if (!offered)
            return Results.Redirect(MfaLogin.StepPath);

        string? error = null;
        string? label = null;
        if (post)
        {
            if (!await MfaEndpoints.ValidFormAsync(http, s.Csrf))
            {
                await s.Audit.WriteAsync(http, ceremony == Ceremony.Enroll ? AuditKinds.LoginEnroll : AuditKinds.LoginMfa, AuditResults.Failure, AuditReasons.BadCsrf,
                    userId: step.User.Id, methods: Factor.WebAuthn.Name());
                return MfaEndpoints.Expired(http);
            }
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            label = form["label"].ToString();
            error = await VerifyAsync(http, s, step, ceremony, form);
            if (error is null)
                return await s.Mfa.CompleteAsync(http, step, Factor.WebAuthn);
        }
        return await PageAsync(http, s, step, ceremony, error, label);
    }

    /// <summary>Null when the ceremony succeeded (and, for enrollment, the credential is stored); else the message to show.</summary>
    private static async Task<string?> VerifyAsync(HttpContext http, WebAuthnStepServices s, PendingStep step, Ceremony ceremony, IFormCollection form)
    {
        var ct = http.RequestAborted;
        var kind = ceremony == Ceremony.Enroll ? AuditKinds.LoginEnroll : AuditKinds.LoginMfa;
        var wait = await s.Mfa.RetryAfterAsync(step.User, ct);
        if (wait > TimeSpan.Zero)
        {
            http.Metrics().ThrottleHeld(SecurityMetrics.Throttles.SecondFactor, SecurityMetrics.Surfaces.Web);
            await s.Audit.WriteAsync(http, kind, AuditResults.Failure, AuditReasons.Throttled, username: step.User.Username,
                userId: step.User.Id, clientId: step.Login.ClientId, methods: Factor.WebAuthn.Name());
            return MfaEndpoints.TooManyAttempts(wait);
        }

        // WebAuthn §13.4.3: a challenge is good for one attempt; every path below takes it from the store, whatever the outcome.
        var ceremonyId = step.Login.State.GetValueOrDefault(ceremony == Ceremony.Enroll ? EnrollCeremonyKey : LoginCeremonyKey) ?? "";
        var clientError = form["clientError"].ToString();
        if (clientError.Length > 0)
        {
            // Cancelled or refused in the browser: the challenge is spent, but nothing was proved wrong, so no throttle count.
            await s.Challenges.TakeAsync(ceremonyId, ct);
            await s.Audit.WriteAsync(http, kind, AuditResults.Failure, ClientError, username: step.User.Username, userId: step.User.Id,
                clientId: step.Login.ClientId, methods: Factor.WebAuthn.Name(), detail: ErrorName(clientError));
            return ClientMessage(ErrorName(clientError), ceremony);
        }

        if (await s.Mfa.ReserveAttemptAsync(http, step, Factor.WebAuthn, kind) is { } refused)
        {
            await s.Challenges.TakeAsync(ceremonyId, ct);
            return refused;
        }

        WebAuthnError failure;
        if (ceremony == Ceremony.Enroll)
        {
            var response = RegistrationResponse.TryParse(form["credentialId"], form["clientDataJson"], form["attestationObject"], form["transports"]);
            if (response is null)
                return await MalformedAsync(http, s, step, ceremonyId);
            var (result, enrollment) = await s.Ceremonies.CompleteRegistrationAsync(step.User.Id, ceremonyId, response, form["label"].ToString(), ct);
            if (result.Succeeded && enrollment is not null)
            {
                await s.Audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, AuditReasons.Ok, username: step.User.Username, userId: step.User.Id,
                    clientId: step.Login.ClientId, methods: Factor.WebAuthn.Name(), detail: $"{enrollment.Id} {(result.UserVerified ? "uv" : "up")}");
                return null;
            }
            failure = result.Error;
        }
        else
        {
            var response = AssertionResponse.TryParse(form["credentialId"], form["clientDataJson"], form["authenticatorData"], form["signature"], form["userHandle"]);
            if (response is null)
                return await MalformedAsync(http, s, step, ceremonyId);
            var result = await s.Ceremonies.CompleteAssertionAsync(step.User.Id, ceremonyId, response, ct);
            if (result.Succeeded)
            {
                await s.Audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Success, AuditReasons.Ok, username: step.User.Username, userId: step.User.Id,
                    clientId: step.Login.ClientId, methods: Factor.WebAuthn.Name(), detail: $"{result.Enrollment?.Id} {(result.UserVerified ? "uv" : "up")}");
                return null;
            }
            failure = result.Error;
        }
        await s.Mfa.FailAsync(http, step, Factor.WebAuthn, failure.Code());
        return FailureMessage(failure);
    }

    private static async Task<string> MalformedAsync(HttpContext http, WebAuthnStepServices s, PendingStep step, string ceremonyId)
    {
        await s.Challenges.TakeAsync(ceremonyId, http.RequestAborted);
        await s.Mfa.FailAsync(http, step, Factor.WebAuthn, MalformedResponse);
        return FailureMessage(WebAuthnError.MalformedClientData);
    }

    private static async Task<IResult> PageAsync(HttpContext http, WebAuthnStepServices s, PendingStep step, Ceremony ceremony, string? error, string? label)
    {
        var ct = http.RequestAborted;
        var enrolling = ceremony == Ceremony.Enroll;
        var start = enrolling
            ? await s.Ceremonies.BeginRegistrationAsync(step.User.Id, step.User.Username,
                string.IsNullOrWhiteSpace(step.User.DisplayName) ? step.User.Username : step.User.DisplayName, ct)
            : await s.Ceremonies.BeginAssertionAsync(step.User.Id, ct);
        if (start?.CeremonyId is null)
            return Results.Redirect(MfaLogin.StepPath);
        await s.Mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [enrolling ? EnrollCeremonyKey : LoginCeremonyKey] = start.CeremonyId }, ct);

        var branding = await s.Settings.GetWebLoginAsync(ct);
        PageHeaders.Apply(http, ownScripts: true);
        return new RazorComponentResult<WebAuthnStepPage>(new Dictionary<string, object?>
        {
            [nameof(WebAuthnStepPage.Title)] = enrolling ? "Set up a security key" : "Use your security key",
            [nameof(WebAuthnStepPage.Instruction)] = enrolling
                ? "Register a security key, or this device's face, fingerprint or PIN sign-in. You will use it to verify future sign-ins."
                : "Verify it's you with your security key, or with this device's face, fingerprint or PIN sign-in.",
            [nameof(WebAuthnStepPage.Error)] = error,
            [nameof(WebAuthnStepPage.Action)] = enrolling ? WebAuthnLoginSetup.EnrollPath : WebAuthnLoginSetup.LoginPath,
            [nameof(WebAuthnStepPage.Mode)] = enrolling ? "create" : "get",
            [nameof(WebAuthnStepPage.OptionsJson)] = start.OptionsJson,
            [nameof(WebAuthnStepPage.Csrf)] = s.Csrf.Issue(http),
            [nameof(WebAuthnStepPage.Label)] = enrolling ? (string.IsNullOrWhiteSpace(label) ? "Security key" : label.Trim()) : null,
            [nameof(WebAuthnStepPage.OtherMethods)] = enrolling
                ? step.Plan.Enrollable.Count > 1 || step.Plan.MayDelay
                : step.Plan.SecondFactors.Count > 1,
            [nameof(WebAuthnStepPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(WebAuthnStepPage.HasLogo)] = branding.Logo is { Length: > 0 },
        }) { StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest };
    }

    /// <summary>A DOMException name as the browser reports it; anything else is reduced to letters so the audit stays clean.</summary>
    private static string ErrorName(string value)
    {
        var letters = new string([.. value.Where(char.IsAsciiLetter).Take(40)]);
        return letters.Length == 0 ? "Error" : letters;
    }

    private static string ClientMessage(string name, Ceremony ceremony) => name switch
    {
        "NotAllowedError" => "The request was cancelled or timed out. Try again.",
        "InvalidStateError" when ceremony == Ceremony.Enroll => "This security key is already registered for your account.",
        "NotSupportedError" or "SecurityError" => "This browser cannot use a security key on this page.",
        _ => $"Your browser could not complete the request ({name}). Try again.",
    };

    private static string FailureMessage(WebAuthnError error) => error switch
    {
        WebAuthnError.ChallengeUnknown or WebAuthnError.ChallengeExpired => "This request expired or was already used. Try again.",
        WebAuthnError.CredentialAlreadyRegistered => "This security key is already registered.",
        WebAuthnError.UnknownCredential or WebAuthnError.CredentialOfAnotherUser => "This security key is not registered for your account.",
        _ => "Your security key could not be verified. Try again.",
    };
}
