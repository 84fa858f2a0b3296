using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.Policies;
using Imprivata.Functions.Login;
using Imprivata.Core.Settings;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Oidc;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprivata.Functions.Login;

/// <summary>GET shows the branded password form; POST checks it, starts the SSO session and returns to the authorization request.</summary>
public static class LoginEndpoints
{
    public const string Path = "/login";
    private const string GenericError = "The username or password is incorrect, or your account cannot sign in here.";

    public static async Task<IResult> ShowAsync(HttpContext http, ISettingsStore settings, IAppProfileStore apps, FormCsrf csrf,
        string? returnUrl, string? login_hint)
    {
        var target = SafeReturnUrl(returnUrl);
        var hint = login_hint ?? LoginHintOf(target);
        return await RenderAsync(http, settings, apps, csrf, target, hint, error: null);
    }

    public static async Task<IResult> SubmitAsync(HttpContext http, ISettingsStore settings, IAppProfileStore apps, FormCsrf csrf,
        PasswordCheck passwords, SsoSessions sessions, AuditTrail audit, PolicyEngine engine, MfaLogin mfa, AppAccess access)
    {
        if (!http.Request.HasFormContentType)
        {
            await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Failure, AuditReasons.InvalidRequest);
            return await RenderAsync(http, settings, apps, csrf, target: null, username: null, "The sign-in form was not submitted correctly.", StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var target = SafeReturnUrl(form["returnUrl"]);
        var username = form["username"].ToString();
        if (!csrf.IsValid(http, form[FormCsrf.FieldName]))
        {
            await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Failure, AuditReasons.BadCsrf, username: username);
            return await RenderAsync(http, settings, apps, csrf, target, username, "Your sign-in form expired. Please try again.", StatusCodes.Status400BadRequest);
        }

        var result = await passwords.CheckAsync(username, form["password"].ToString(), http.RequestAborted);
        var clientId = ClientIdOf(target);
        if (!result.Succeeded)
        {
            await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Failure, result.Reason, username: username, clientId: clientId, methods: "pwd");
            return await RenderAsync(http, settings, apps, csrf, target, username, GenericError, StatusCodes.Status200OK);
        }

        var user = result.User!;
        var plan = await engine.PlanAsync(user, WorkflowKind.WebSso, http.RequestAborted);
        if (plan.Outcome == PlanOutcome.Deny)
        {
            await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Failure, plan.Reason, username: user.Username, userId: user.Id, clientId: clientId, methods: "pwd");
            return await RenderAsync(http, settings, apps, csrf, target, username, GenericError, StatusCodes.Status200OK);
        }
        await audit.WriteAsync(http, AuditKinds.LoginPassword, AuditResults.Success, AuditReasons.Ok, username: user.Username, userId: user.Id, clientId: clientId,
            methods: "pwd", detail: plan.Reason);
        if (plan.Outcome != PlanOutcome.Allow)
            return await mfa.BeginAsync(http, user, target, clientId);
        // The app this sign-in returns to goes into the new session now, in its one write, when the user may use it (the
        // same check the authorization endpoint makes next); a denied app is never recorded, and the endpoint still says no.
        var allowedClient = clientId is not null && (await access.CheckAsync(user, clientId, http.RequestAborted)).Allowed ? clientId : null;
        await sessions.StartAsync(http, user, ["pwd"], allowedClient is null ? [] : [allowedClient], http.RequestAborted);
        // 303: the browser must GET the next step, never re-POST the password (security-tests: 303 after credential POSTs).
        http.Response.Headers.Location = target ?? "/login/done";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    public static async Task<IResult> LogoAsync(ISettingsStore settings, HttpContext http)
    {
        var current = await settings.GetWebLoginAsync(http.RequestAborted);
        if (current.Logo is not { Length: > 0 } logo || current.LogoContentType is null)
            return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.File(logo, current.LogoContentType);
    }

    internal static async Task<IResult> RenderAsync(HttpContext http, ISettingsStore settings, IAppProfileStore apps, FormCsrf csrf,
        string? target, string? username, string? error, int status = StatusCodes.Status200OK)
    {
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        var clientId = ClientIdOf(target);
        var app = clientId is null ? null : await apps.FindAsync(clientId, http.RequestAborted);
        PageHeaders.Apply(http);
        http.Response.StatusCode = status;
        return new RazorComponentResult<LoginPage>(new Dictionary<string, object?>
        {
            [nameof(LoginPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(LoginPage.HasLogo)] = branding.Logo is { Length: > 0 },
            [nameof(LoginPage.AppName)] = app?.DisplayName,
            [nameof(LoginPage.Error)] = error,
            [nameof(LoginPage.Csrf)] = csrf.Issue(http),
            [nameof(LoginPage.ReturnUrl)] = target ?? "",
            [nameof(LoginPage.Username)] = username,
        }) { StatusCode = status };
    }

    /// <summary>Only our own authorization endpoint is a valid place to return to: anything else would be an open redirect.</summary>
    internal static string? SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith(OidcSetup.AuthorizePath + "?", StringComparison.Ordinal) && !returnUrl.Contains('\\')
            ? returnUrl
            : null;

    private static string? ClientIdOf(string? target) => QueryValue(target, "client_id");

    private static string? LoginHintOf(string? target) => QueryValue(target, "login_hint");

    private static string? QueryValue(string? target, string name)
    {
        if (target is null)
            return null;
        var query = QueryHelpers.ParseQuery(target[target.IndexOf('?')..]);
        return query.TryGetValue(name, out var v) ? v.ToString() : null;
    }
}
