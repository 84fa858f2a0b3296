using Imprivata.Functions.Eam;
using Imprivata.Functions.Admin.Methods;
using Imprivata.Functions.Admin.Policies;
using Imprivata.Functions.Admin.RemoteAccess;
using Imprivata.Functions.Admin.Reports;
using Imprivata.Functions.Radius.Edges;
using Imprivata.Core.UserDirectory;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace Imprivata.Functions.Admin;

/// <summary>
/// The console: GETs render Razor components (static SSR, no circuit); POSTs are handled by each area's pages class,
/// checked by the access filter (session, a form free of control characters, CSRF field, role). A change that succeeds
/// answers 303 back to a page (post/redirect/get); one refused for what was typed renders the form again, filled in
/// with what was typed (never a password or secret) and the reason, with the failure's status.
/// </summary>
public static class AdminPages
{
    public static void MapAdminPages(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup(AdminHttp.ConsolePath).AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Pages));
        var write = app.MapGroup(AdminHttp.ConsolePath).AddEndpointFilter(new AdminAccessFilter(AdminRole.Superadmin, AdminSurface.Pages));

        read.MapGet("/", () => AdminHttp.SeeOther("/console/users"));
        read.MapUserPages(write);
        read.MapGroupPages(write);
        write.MapAppPages();
        write.MapRadiusClientPages();
        write.MapEamPages();
        write.MapSettingsPages();
        // A user's enrolled methods and the reports: helpdesk and up (see their classes); policies: superadmin.
        read.MapEnrolledMethodsPages();
        read.MapReportPages(write);
        write.MapPolicyPages();
        write.MapEdgePages();
    }

    internal static AdminPrincipal Actor(HttpContext http) => AdminPrincipal.Required(http);

    internal static string? Notice(HttpContext http) => http.Request.Query.ContainsKey("saved") ? "Saved." : null;

    /// <summary>The sentence for the reason code a redirect carried in ?error= (codes only: never text from the URL).</summary>
    internal static string? Error(HttpContext http) => http.Request.Query.TryGetValue("error", out var e) ? AdminMessages.Describe(e.ToString()) : null;

    internal static string Back(string path, string? error) => error is null ? path + "?saved=1" : path + "?error=" + Uri.EscapeDataString(error);

    internal static async Task<IFormCollection> FormAsync(HttpContext http) => await http.Request.ReadFormAsync(http.RequestAborted);

    internal static bool Checked(IFormCollection form, string name) => form[name].Contains("true");

    internal static string Text(IFormCollection form, string name) => form[name].ToString();

    /// <summary>The non-empty lines of a text area, trimmed.</summary>
    internal static IReadOnlyList<string> Lines(StringValues value) =>
        value.ToString().Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Every line of a text area, blank ones included, so that an error can name the line the administrator sees.</summary>
    internal static IReadOnlyList<string> NumberedLines(StringValues value) =>
        value.ToString().ReplaceLineEndings("\n").Split('\n');

    internal static IReadOnlyList<string> All(IFormCollection form, string name) => [.. form[name].OfType<string>()];

    /// <summary>A page rendered in answer to a POST: the form again with the reason, under the failure's status.</summary>
    internal static IResult Page<TComponent>(object parameters, int status = StatusCodes.Status200OK) where TComponent : IComponent =>
        new RazorComponentResult<TComponent>(parameters) { StatusCode = status };
}
