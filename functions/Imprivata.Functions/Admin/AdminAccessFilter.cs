using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Admin;

public enum AdminSurface
{
    Api,
    Pages,
}

/// <summary>
/// Gate of every admin endpoint, in order: a live admin session (else 401 / sign-in page), for pages a form free of
/// control characters (else a 400 page naming the field, see <see cref="AdminForms"/>), the anti-CSRF token for unsafe
/// methods (header for the API, form field for pages; compared in constant time), then the role.
/// </summary>
public sealed class AdminAccessFilter(AdminRole minimum, AdminSurface surface) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var principal = await http.RequestServices.GetRequiredService<AdminSessions>().ResolveAsync(http, http.RequestAborted);
        if (principal is null)
            return surface == AdminSurface.Api ? AdminHttp.Unauthenticated() : AdminHttp.SeeOther("/console/login");

        if (surface == AdminSurface.Pages && !IsSafe(http.Request.Method) && http.Request.HasFormContentType &&
            await AdminForms.ReadAsync(http) is { Refused: true } refused)
        {
            var field = refused.RefusedField is { } name ? AdminMessages.FieldLabel(name) : null;
            await AuditAsync(http, principal, AuditReasons.InvalidRequest, field is null ? "unreadable form" : "control character in " + field);
            return new RazorComponentResult<FormRefusedPage>(new { Admin = principal, Field = field, Back = BackPath(http) })
            {
                StatusCode = StatusCodes.Status400BadRequest,
            };
        }

        if (!IsSafe(http.Request.Method) && !SecretText.FixedTimeEquals(await PresentedCsrfAsync(http), principal.Session.CsrfToken))
        {
            await AuditAsync(http, principal, AuditReasons.BadCsrf);
            return AdminHttp.Error(StatusCodes.Status403Forbidden, "bad_csrf", "missing or wrong anti-CSRF token");
        }

        if (principal.Role < minimum)
        {
            await AuditAsync(http, principal, AuditReasons.Forbidden);
            return surface == AdminSurface.Api
                ? AdminHttp.Forbidden("requires role " + minimum)
                : Results.Content("<!DOCTYPE html><title>Forbidden</title><p>Your administrator role does not allow this page.</p><p><a href=\"/console/users\">Back</a></p>",
                    "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        principal.Attach(http);
        return await next(context);
    }

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private async Task<string?> PresentedCsrfAsync(HttpContext http)
    {
        if (surface == AdminSurface.Api)
            return http.Request.Headers[AdminHttp.CsrfHeader].ToString();
        if (!http.Request.HasFormContentType)
            return null;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        return form[AdminHttp.CsrfField].ToString();
    }

    private static Task AuditAsync(HttpContext http, AdminPrincipal principal, string reason, string? why = null) =>
        http.RequestServices.GetRequiredService<AdminAudit>().RecordAsync(principal, AuditKinds.AdminAccess, AuditResults.Failure, reason, http.RequestAborted,
            detail: http.Request.Method + " " + http.Request.Path + (why is null ? "" : ": " + why));

    /// <summary>The console page the refused form came from when the browser says so (same origin), else the users list.</summary>
    private static string BackPath(HttpContext http) =>
        Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) &&
        string.Equals(referer.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase) &&
        referer.AbsolutePath.StartsWith("/console/", StringComparison.Ordinal)
            ? referer.PathAndQuery
            : "/console/users";
}
