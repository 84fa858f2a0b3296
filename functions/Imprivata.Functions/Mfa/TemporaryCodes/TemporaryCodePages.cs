using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Console;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>Console page "Temporary codes" (helpdesk and superadmin): active codes (never the code), issue, revoke.</summary>
public static class TemporaryCodePages
{
    private const string Page = "/admin/temporary-codes";

    public static void MapTemporaryCodePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Page).AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Pages));

        pages.MapGet("", async (HttpContext http, TemporaryCodeAdministration codes) =>
            new RazorComponentResult<TemporaryCodesPage>(new
            {
                Admin = AdminPrincipal.Required(http),
                Codes = await codes.ListActiveAsync(http.RequestAborted),
                Username = http.Request.Query["username"].ToString(),
                Error = http.Request.Query.TryGetValue("error", out var e) ? e.ToString() : null,
                Notice = http.Request.Query.ContainsKey("saved") ? "Saved." : null,
            }));

        // The code is rendered in this response only (no redirect: it must never sit in a URL or history).
        pages.MapPost("/issue", async (HttpContext http, TemporaryCodeAdministration codes, IDirectoryStore directory) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var user = await directory.FindUserByUsernameAsync(form["username"].ToString(), http.RequestAborted);
            if (user is null)
                return (IResult)AdminHttp.SeeOther(Back("user_not_found"));
            var result = await codes.IssueAsync(AdminPrincipal.Required(http), user.Id, form["validity"].ToString(), http.RequestAborted);
            if (!result.Succeeded)
                return AdminHttp.SeeOther(Back(result.Error));
            return new RazorComponentResult<TemporaryCodeIssuedPage>(new
            {
                Admin = AdminPrincipal.Required(http), User = user, Code = result.IssuedCode!, result.Code!.ExpiresAt,
            });
        });

        pages.MapPost("/revoke", async (HttpContext http, TemporaryCodeAdministration codes) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var result = await codes.RevokeAsync(AdminPrincipal.Required(http), form["userId"].ToString(), http.RequestAborted);
            return AdminHttp.SeeOther(Back(result.Error));
        });
    }

    private static string Back(string? error) => error is null ? Page + "?saved=1" : Page + "?error=" + Uri.EscapeDataString(error);
}
