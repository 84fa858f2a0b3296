using Imprivata.Core.Audit;
using Imprivata.Core.Setup;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Admin.Setup;

/// <summary>
/// /console/setup: the form that turns the deployment's one-time setup secret into the first superadmin. It answers 404
/// (with a page saying why) once a superadmin exists or when the deployment has no setup secret.
/// </summary>
public static class SetupEndpoints
{
    public const string Path = "/console/setup";

    public static void MapFirstAdministratorSetup(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpContext http, AdminCookies cookies, FirstAdministrator setup) =>
        {
            var state = await setup.StateAsync(http.RequestAborted);
            return state == SetupState.Open ? Form(http, cookies) : Unavailable(state);
        });

        app.MapPost(Path, async (HttpContext http, AdminCookies cookies, FirstAdministrator setup, AuditTrail audit) =>
        {
            var read = http.Request.HasFormContentType ? await AdminForms.ReadAsync(http) : new AdminForms.Outcome(null, null);
            if (read.Form is not { } form)
            {
                await audit.WriteAsync(http, AuditKinds.AdminSetup, AuditResults.Failure, AuditReasons.InvalidRequest, detail: read.RefusedField);
                return Form(http, cookies, "The form could not be read. Try again.", StatusCodes.Status400BadRequest);
            }
            // Once closed, every post gets the closed page (the form it came from is gone anyway).
            if (await setup.StateAsync(http.RequestAborted) is not SetupState.Open and var state)
            {
                await audit.WriteAsync(http, AuditKinds.AdminSetup, AuditResults.Failure, AuditReasons.SetupClosed, username: Clip(form["username"]));
                return Unavailable(state);
            }
            // Double-submit token (OWASP CSRF cheat sheet): the cookie this page set, and the same value in the form.
            var expected = http.Request.Cookies[cookies.LoginCsrfName];
            if (string.IsNullOrEmpty(expected) || !SecretText.FixedTimeEquals(form[AdminHttp.CsrfField].ToString(), expected))
            {
                await audit.WriteAsync(http, AuditKinds.AdminSetup, AuditResults.Failure, AuditReasons.BadCsrf);
                return Form(http, cookies, "The form expired. Try again.", StatusCodes.Status400BadRequest);
            }

            var outcome = await setup.CreateAsync(
                new SetupRequest(form["secret"], form["username"], form["displayName"], form["password"], form["confirmPassword"]),
                http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier, http.RequestAborted);
            if (outcome.Succeeded)
            {
                http.Response.Cookies.Delete(cookies.LoginCsrfName, cookies.Options());
                return AdminPages.Page<SetupPage>(new { Created = outcome.User!.Username });
            }
            if (outcome.Reason == AuditReasons.SetupClosed)
                return Unavailable(SetupState.Closed);
            if (outcome.Reason == AuditReasons.Throttled)
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(outcome.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var status = outcome.Reason switch
            {
                AuditReasons.Throttled => StatusCodes.Status429TooManyRequests,
                AuditReasons.Unavailable => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status400BadRequest,
            };
            return Form(http, cookies, Explain(outcome), status, form["username"], form["displayName"]);
        });
    }

    private static IResult Form(HttpContext http, AdminCookies cookies, string? error = null, int status = StatusCodes.Status200OK,
        string? username = null, string? displayName = null)
    {
        var token = SecretText.NewToken();
        http.Response.Cookies.Append(cookies.LoginCsrfName, token, cookies.Options());
        return AdminPages.Page<SetupPage>(new { Csrf = token, Error = error, Username = username, DisplayName = displayName }, status);
    }

    private static string Clip(string? username) =>
        username is { Length: > UserFieldRules.MaxUsernameLength } ? username[..UserFieldRules.MaxUsernameLength] : username ?? "";

    private static IResult Unavailable(SetupState state) => AdminPages.Page<SetupPage>(new { State = state }, StatusCodes.Status404NotFound);

    private static string Explain(SetupOutcome outcome) => outcome.Reason switch
    {
        AuditReasons.BadCredentials => "The setup secret is not right.",
        AuditReasons.Expired => "The setup secret has expired. Deploy the template again for a fresh one (it is valid for 7 days).",
        AuditReasons.Throttled => $"Too many wrong attempts from your address. Try again in {Math.Max(1, (int)Math.Ceiling(outcome.RetryAfter.TotalMinutes))} minute(s).",
        AuditReasons.Unavailable => "The setup secret could not be read from Key Vault. Check that the app's identity may read it, then try again.",
        _ => outcome.Problem switch
        {
            SetupOutcome.PasswordsDiffer => "The two passwords differ.",
            DirectoryErrors.PasswordRequired or DirectoryErrors.PasswordTooShort => $"The password must have at least {PasswordRules.MinimumLength} characters.",
            DirectoryErrors.PasswordTooLong => $"The password may have at most {PasswordRules.MaximumLength} characters.",
            DirectoryErrors.UsernameInvalid => "The username is not valid: letters, digits and . _ @ - only.",
            DirectoryErrors.UsernameTaken => "That username is taken.",
            _ => "A field is not valid.",
        },
    };
}
