using Imprivata.Core.Audit;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Admin.Console;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Admin;

/// <summary>/console/login (the password; the second factor follows at <see cref="AdminSecondFactor.Path"/>) and /console/logout.</summary>
public static class AdminLoginEndpoints
{
    public static void MapAdminLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/login", (HttpContext http, AdminCookies cookies, bool? failed) =>
        {
            // Login CSRF: a double-submit token in an HttpOnly, SameSite=Strict cookie and in the form.
            var token = SecretText.NewToken();
            http.Response.Cookies.Append(cookies.LoginCsrfName, token, cookies.Options());
            return new RazorComponentResult<LoginPage>(new { Csrf = token, Failed = failed == true });
        });

        app.MapPost("/console/login", async (HttpContext http, AdminCookies cookies, AdminSignIn signIn, AdminSessions sessions, AuditTrail audit,
            AuditedUsernames usernames, AdminSecondFactor secondFactor) =>
        {
            if (!http.Request.HasFormContentType)
            {
                await audit.WriteAsync(http, AdminSignIn.AuditKind, AuditResults.Failure, AuditReasons.InvalidRequest);
                return AdminHttp.SeeOther("/console/login?failed=true");
            }
            if (await AdminForms.ReadAsync(http) is not { Form: { } form })
            {
                await audit.WriteAsync(http, AdminSignIn.AuditKind, AuditResults.Failure, AuditReasons.InvalidRequest);
                return AdminHttp.SeeOther("/console/login?failed=true");
            }
            var expected = http.Request.Cookies[cookies.LoginCsrfName];
            http.Response.Cookies.Delete(cookies.LoginCsrfName, cookies.Options());
            if (string.IsNullOrEmpty(expected) || !SecretText.FixedTimeEquals(form[AdminHttp.CsrfField].ToString(), expected))
            {
                await audit.WriteAsync(http, AdminSignIn.AuditKind, AuditResults.Failure, AuditReasons.BadCsrf,
                    username: await usernames.OfTypedAsync(form["username"].ToString(), http.RequestAborted));
                return AdminHttp.SeeOther("/console/login?failed=true");
            }

            var user = await signIn.CheckAsync(form["username"], form["password"], http.Connection.RemoteIpAddress, http.TraceIdentifier, http.RequestAborted);
            if (user is null)
                return AdminHttp.SeeOther("/console/login?failed=true");
            if (AdminSecondFactor.IsRequiredFor(user))
            {
                // No session yet: only the pending sign-in, until the second factor is verified.
                await secondFactor.BeginAsync(http, user, http.RequestAborted);
                return AdminHttp.SeeOther(AdminSecondFactor.Path);
            }
            await sessions.SignInAsync(http, user, http.RequestAborted);
            return AdminHttp.SeeOther("/console/users");
        });

        app.MapPost("/console/logout", async (HttpContext http, AdminSessions sessions) =>
        {
            await sessions.SignOutAsync(http, http.RequestAborted);
            return AdminHttp.SeeOther("/console/login");
        }).AddEndpointFilter(new AdminAccessFilter(Core.UserDirectory.AdminRole.Helpdesk, AdminSurface.Pages));
    }
}
