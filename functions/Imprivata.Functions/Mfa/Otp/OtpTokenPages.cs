using System.Text;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Console;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>Console page "OTP tokens" (superadmin): the inventory, CSV import, assign / unassign / resync. Post/redirect/get, except the import, whose per-line report is rendered directly.</summary>
public static class OtpTokenPages
{
    private const string Page = "/admin/otp-tokens";

    public static void MapOtpTokenPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Page).AddEndpointFilter(new AdminAccessFilter(AdminRole.Superadmin, AdminSurface.Pages));

        pages.MapGet("", async (HttpContext http, OtpTokenAdministration tokens) => await Render(http, tokens, null));

        pages.MapPost("/import", async (HttpContext http, OtpTokenAdministration tokens) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form.Files.GetFile("file") is not { Length: > 0 and <= OtpTokenAdministration.MaxImportBytes } file)
                return (IResult)AdminHttp.SeeOther(Page + "?error=file_invalid");
            using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var result = await tokens.ImportAsync(AdminPrincipal.Required(http), reader, http.RequestAborted);
            return await Render(http, tokens, result);
        });

        pages.MapPost("/assign", async (HttpContext http, OtpTokenAdministration tokens, IDirectoryStore directory) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var user = await directory.FindUserByUsernameAsync(form["username"].ToString(), http.RequestAborted);
            var error = user is null
                ? "user_not_found"
                : (await tokens.AssignAsync(AdminPrincipal.Required(http), form["serial"].ToString(), user.Id, http.RequestAborted)).Error;
            return AdminHttp.SeeOther(Back(error));
        });

        pages.MapPost("/unassign", async (HttpContext http, OtpTokenAdministration tokens) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var result = await tokens.UnassignAsync(AdminPrincipal.Required(http), form["serial"].ToString(), http.RequestAborted);
            return AdminHttp.SeeOther(Back(result.Error));
        });

        pages.MapPost("/resync", async (HttpContext http, OtpTokenAdministration tokens) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var result = await tokens.ResyncAsync(AdminPrincipal.Required(http), form["serial"].ToString(), form["firstCode"].ToString(), form["secondCode"].ToString(), http.RequestAborted);
            return AdminHttp.SeeOther(Back(result.Error));
        });
    }

    private static string Back(string? error) => error is null ? Page + "?saved=1" : Page + "?error=" + Uri.EscapeDataString(error);

    private static async Task<IResult> Render(HttpContext http, OtpTokenAdministration tokens, TokenImportResult? import) =>
        new RazorComponentResult<OtpTokensPage>(new
        {
            Admin = AdminPrincipal.Required(http),
            Tokens = await tokens.ListAsync(http.RequestAborted),
            Import = import,
            Error = http.Request.Query.TryGetValue("error", out var e) ? e.ToString() : null,
            Notice = http.Request.Query.ContainsKey("saved") ? "Saved." : null,
        });
}
