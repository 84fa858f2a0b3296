using System.Text;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Functions.Admin;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>
/// Console page "OTP tokens" (superadmin): the inventory, CSV import, assign / unassign / resync. The assignee is typed or
/// found with the page's user search (?q=). A refused form is shown again as typed (never the codes); the import's
/// per-line report is rendered directly.
/// </summary>
public static class OtpTokenPages
{
    private const string Path = "/console/otp-tokens";

    /// <summary>What the assign and resync forms hold when shown again.</summary>
    public sealed record Typed(string? AssignSerial = null, string? Username = null, string? ResyncSerial = null);

    public static void MapOtpTokenPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).AddEndpointFilter(new AdminAccessFilter(AdminRole.Superadmin, AdminSurface.Pages));

        pages.MapGet("", (HttpContext http, OtpTokenAdministration tokens, DirectoryPicker picker) =>
            RenderAsync(http, tokens, picker, null, new Typed(http.Request.Query["serial"], http.Request.Query["username"]), Error(http), Notice(http)));

        pages.MapPost("/import", async (HttpContext http, OtpTokenAdministration tokens, DirectoryPicker picker) =>
        {
            var form = await FormAsync(http);
            if (form.Files.GetFile("file") is not { Length: > 0 and <= OtpTokenAdministration.MaxImportBytes } file)
                return AdminHttp.SeeOther(Back(Path, "file_invalid"));
            using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var result = await tokens.ImportAsync(Actor(http), reader, http.RequestAborted);
            return await RenderAsync(http, tokens, picker, result, new Typed(), null, null);
        });

        pages.MapPost("/assign", async (HttpContext http, OtpTokenAdministration tokens, IDirectoryStore directory, DirectoryPicker picker) =>
        {
            var form = await FormAsync(http);
            var user = await directory.FindUserByUsernameAsync(Text(form, "username"), http.RequestAborted);
            var error = user is null
                ? "user_not_found"
                : (await tokens.AssignAsync(Actor(http), Text(form, "serial"), user.Id, http.RequestAborted)).Error;
            return error is null
                ? AdminHttp.SeeOther(Back(Path, null))
                : await RenderAsync(http, tokens, picker, null, new Typed(Text(form, "serial"), Text(form, "username")), AdminMessages.Describe(error), null,
                    user is null ? StatusCodes.Status404NotFound : OtpTokenAdministration.StatusOf(error));
        });

        pages.MapPost("/unassign", async (HttpContext http, OtpTokenAdministration tokens) =>
        {
            var form = await FormAsync(http);
            var result = await tokens.UnassignAsync(Actor(http), Text(form, "serial"), http.RequestAborted);
            return AdminHttp.SeeOther(Back(Path, result.Error));
        });

        pages.MapPost("/resync", async (HttpContext http, OtpTokenAdministration tokens, DirectoryPicker picker) =>
        {
            var form = await FormAsync(http);
            var result = await tokens.ResyncAsync(Actor(http), Text(form, "serial"), Text(form, "firstCode"), Text(form, "secondCode"), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back(Path, null))
                : await RenderAsync(http, tokens, picker, null, new Typed(ResyncSerial: Text(form, "serial")), AdminMessages.Describe(result.Error!), null,
                    OtpTokenAdministration.StatusOf(result.Error));
        });
    }

    private static async Task<IResult> RenderAsync(HttpContext http, OtpTokenAdministration tokens, DirectoryPicker picker, TokenImportResult? import, Typed typed,
        string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var query = http.Request.Query["q"].ToString();
        return Page<OtpTokensPage>(new
        {
            Admin = Actor(http), Tokens = await tokens.ListAsync(http.RequestAborted), Import = import, Typed = typed, Query = query,
            Candidates = query.Trim().Length > 0 ? await picker.UsersAsync(query, [], http.RequestAborted) : PickerResult<DirectoryUser>.None,
            Error = error, Notice = notice,
        }, status);
    }
}
