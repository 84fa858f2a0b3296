using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Settings;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Oidc;
using Microsoft.AspNetCore.Http.HttpResults;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Login;

/// <summary>The second-factor part of the web login: the method chooser, the shared code page, "remind me later".</summary>
public static class MfaEndpoints
{
    public static void MapMfaLogin(this WebApplication app)
    {
        app.MapGet(MfaLogin.StepPath, ChooseAsync);
        app.MapPost(MfaLogin.StepPath + "/delay", DelayAsync);
        app.MapGet(MfaLogin.StepPath + "/{factor}", ShowCodeAsync);
        app.MapPost(MfaLogin.StepPath + "/{factor}", VerifyCodeAsync);
        app.MapPost(MfaLogin.StepPath + "/{factor}/resend", ResendAsync);
    }

    internal static IResult Expired(HttpContext http) => OidcResults.ErrorPage(http, "Sign-in expired",
        "Your sign-in took too long or was already finished. Return to your application and sign in again.", code: null);

    public static async Task<IResult> ChooseAsync(HttpContext http, MfaLogin mfa, LoginStepRoutes routes, ISettingsStore settings,
        FormCsrf csrf, AuditTrail audit, string? choose)
    {
        var step = await mfa.GetAsync(http);
        if (step is null)
            return Expired(http);
        var plan = step.Plan;
        switch (plan.Outcome)
        {
            case PlanOutcome.Allow:
                return await mfa.AllowAsync(http, step);
            case PlanOutcome.Deny:
                await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, plan.Reason, username: step.User.Username, userId: step.User.Id,
                    clientId: step.Login.ClientId);
                await mfa.AbandonAsync(http);
                return OidcResults.ErrorPage(http, "Sign-in not allowed",
                    "Your account has no sign-in method allowed here yet. Contact your help desk.", code: plan.Reason, StatusCodes.Status403Forbidden);
        }

        var enrolling = plan.Outcome == PlanOutcome.Enroll;
        var options = (enrolling ? plan.Enrollable : plan.SecondFactors)
            .Select(f => (Factor: f, Href: enrolling ? routes.EnrollPathOf(f) : routes.LoginPathOf(f)))
            .Where(o => o.Href is not null)
            .Select(o => new MfaChooserPage.Option(o.Factor.Name(), enrolling ? "Set up " + o.Factor.DisplayName() : o.Factor.DisplayName(), o.Href!))
            .ToList();
        if (options.Count == 0 && !(enrolling && plan.MayDelay))
        {
            await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, PlanReasons.NoFactorAllowed, username: step.User.Username,
                userId: step.User.Id, clientId: step.Login.ClientId, detail: "no routable method");
            return OidcResults.ErrorPage(http, "Sign-in not available",
                "None of your sign-in methods can be used here. Contact your help desk.", code: PlanReasons.NoFactorAllowed, StatusCodes.Status403Forbidden);
        }
        if (!enrolling && options.Count == 1 && choose is null)
            return Results.Redirect(options[0].Href);

        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        PageHeaders.Apply(http);
        return new RazorComponentResult<MfaChooserPage>(new Dictionary<string, object?>
        {
            [nameof(MfaChooserPage.Title)] = enrolling ? "Set up a second factor" : "Verify it's you",
            [nameof(MfaChooserPage.Message)] = enrolling
                ? (plan.MayDelay ? "Your organization asks you to set up a second sign-in factor." : "Set up a second sign-in factor to continue.")
                : "Choose how to verify your sign-in.",
            [nameof(MfaChooserPage.Options)] = options,
            [nameof(MfaChooserPage.CanDelay)] = enrolling && plan.MayDelay,
            [nameof(MfaChooserPage.Csrf)] = csrf.Issue(http),
            [nameof(MfaChooserPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(MfaChooserPage.HasLogo)] = branding.Logo is { Length: > 0 },
        });
    }

    public static async Task<IResult> DelayAsync(HttpContext http, MfaLogin mfa, FormCsrf csrf, AuditTrail audit)
    {
        var step = await mfa.GetAsync(http);
        if (step is null)
            return Expired(http);
        if (!await ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id);
            return Expired(http);
        }
        return await mfa.DelayEnrollmentAsync(http, step);
    }

    public static Task<IResult> ShowCodeAsync(HttpContext http, MfaLogin mfa, LoginStepRoutes routes, ISettingsStore settings, FormCsrf csrf,
        AuditTrail audit, string factor) =>
        CodeStepAsync(http, mfa, routes, settings, csrf, audit, factor, CodeAction.Show);

    public static Task<IResult> VerifyCodeAsync(HttpContext http, MfaLogin mfa, LoginStepRoutes routes, ISettingsStore settings, FormCsrf csrf,
        AuditTrail audit, string factor) =>
        CodeStepAsync(http, mfa, routes, settings, csrf, audit, factor, CodeAction.Verify);

    public static Task<IResult> ResendAsync(HttpContext http, MfaLogin mfa, LoginStepRoutes routes, ISettingsStore settings, FormCsrf csrf,
        AuditTrail audit, string factor) =>
        CodeStepAsync(http, mfa, routes, settings, csrf, audit, factor, CodeAction.Resend);

    private enum CodeAction { Show, Verify, Resend }

    private static async Task<IResult> CodeStepAsync(HttpContext http, MfaLogin mfa, LoginStepRoutes routes, ISettingsStore settings,
        FormCsrf csrf, AuditTrail audit, string factorName, CodeAction action)
    {
        var ct = http.RequestAborted;
        if (!FactorNames.TryParse(factorName, out var factor) || routes.CodeFactor(factor) is not { } method)
            return Results.NotFound();
        var step = await mfa.GetAsync(http);
        if (step is null)
            return Expired(http);
        if (step.Plan.Outcome != PlanOutcome.SecondFactor || !step.Plan.SecondFactors.Contains(factor))
            return Results.Redirect(MfaLogin.StepPath);
        if (action != CodeAction.Show && !await ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id, methods: factor.Name());
            return Expired(http);
        }

        string? error = null;
        if (action == CodeAction.Verify && await mfa.ReserveAttemptAsync(http, step, factor, AuditKinds.LoginMfa) is { } refused)
            error = refused;
        else if (action == CodeAction.Verify)
        {
            var code = http.Request.Form["code"].ToString().Trim();
            var ok = code.Length is > 0 and <= 64 && await method.VerifyAsync(step.User, step.Login, code, ct);
            if (ok)
            {
                await audit.WriteAsync(http, AuditKinds.LoginMfa, AuditResults.Success, AuditReasons.Ok, username: step.User.Username,
                    userId: step.User.Id, clientId: step.Login.ClientId, methods: factor.Name());
                return await mfa.CompleteAsync(http, step, factor);
            }
            await mfa.FailAsync(http, step, factor, AuditReasons.BadCredentials);
            error = "That code is not right, or it expired. Try again.";
        }

        var prompt = await method.PrepareAsync(step.User, step.Login, action == CodeAction.Resend, ct);
        if (prompt.State is { Count: > 0 } state)
            await mfa.SaveStateAsync(step.Login, state, ct);
        var branding = await settings.GetWebLoginAsync(ct);
        PageHeaders.Apply(http);
        return new RazorComponentResult<CodeStepPage>(new Dictionary<string, object?>
        {
            [nameof(CodeStepPage.Title)] = factor.DisplayName(),
            [nameof(CodeStepPage.Instruction)] = prompt.Instruction,
            [nameof(CodeStepPage.Hint)] = prompt.Hint,
            [nameof(CodeStepPage.Error)] = error ?? prompt.Error,
            [nameof(CodeStepPage.Action)] = $"{MfaLogin.StepPath}/{factor.Name()}",
            [nameof(CodeStepPage.Csrf)] = csrf.Issue(http),
            [nameof(CodeStepPage.CanResend)] = prompt.CanResend,
            [nameof(CodeStepPage.OtherMethods)] = step.Plan.SecondFactors.Count > 1,
            [nameof(CodeStepPage.MaxLength)] = prompt.MaxLength,
            [nameof(CodeStepPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(CodeStepPage.HasLogo)] = branding.Logo is { Length: > 0 },
        }) { StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest };
    }

    internal static string TooManyAttempts(TimeSpan wait) =>
        $"Too many failed attempts. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds.";

    internal static async Task<bool> ValidFormAsync(HttpContext http, FormCsrf csrf)
    {
        if (!http.Request.HasFormContentType)
            return false;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        return csrf.IsValid(http, form[FormCsrf.FieldName]);
    }
}
