using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>
/// Console page "Temporary codes" (helpdesk and superadmin): active codes (never the code), issue, revoke. The user is
/// typed or found with the page's user search (?q=), which fills the username in.
/// </summary>
public static class TemporaryCodePages
{
    private const string Path = "/console/temporary-codes";

    public static void MapTemporaryCodePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Pages));

        pages.MapGet("", (HttpContext http, TemporaryCodeAdministration codes, DirectoryPicker picker) =>
            RenderAsync(http, codes, picker, http.Request.Query["username"].ToString(), null, Error(http), Notice(http)));

        // The code is rendered in this response only (no redirect: it must never sit in a URL or history).
        pages.MapPost("/issue", async (HttpContext http, TemporaryCodeAdministration codes, IDirectoryStore directory, DirectoryPicker picker) =>
        {
            var form = await FormAsync(http);
            var username = Text(form, "username");
            var user = await directory.FindUserByUsernameAsync(username, http.RequestAborted);
            var result = user is null
                ? Core.Mfa.TemporaryCodes.TemporaryCodeResult.Fail("user_not_found")
                : await codes.IssueAsync(Actor(http), user.Id, Text(form, "validity"), http.RequestAborted);
            if (!result.Succeeded)
                return await RenderAsync(http, codes, picker, username, Text(form, "validity"), AdminMessages.Describe(result.Error!), null,
                    user is null ? StatusCodes.Status404NotFound : TemporaryCodeAdministration.StatusOf(result.Error));
            return Page<TemporaryCodeIssuedPage>(new { Admin = Actor(http), User = user!, Code = result.IssuedCode!, result.Code!.ExpiresAt });
        });

        pages.MapPost("/revoke", async (HttpContext http, TemporaryCodeAdministration codes) =>
        {
            var form = await FormAsync(http);
            var result = await codes.RevokeAsync(Actor(http), Text(form, "userId"), http.RequestAborted);
            return AdminHttp.SeeOther(Back(Path, result.Error));
        });
    }

    private static async Task<IResult> RenderAsync(HttpContext http, TemporaryCodeAdministration codes, DirectoryPicker picker, string username, string? validity,
        string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var query = http.Request.Query["q"].ToString();
        return Page<TemporaryCodesPage>(new
        {
            Admin = Actor(http), Codes = await codes.ListActiveAsync(http.RequestAborted), Username = username, Validity = validity, Query = query,
            Candidates = query.Trim().Length > 0 ? await picker.UsersAsync(query, [], http.RequestAborted) : PickerResult<DirectoryUser>.None,
            Error = error, Notice = notice,
        }, status);
    }
}
