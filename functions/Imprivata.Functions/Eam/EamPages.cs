using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Eam;

/// <summary>Console pages of the "Microsoft External Authentication" app profile (superadmin): add, values for Entra with a self-check, delete.</summary>
public static class EamPages
{
    public static void MapEamPages(this RouteGroupBuilder write)
    {
        write.MapGet("/eam-apps/new", (HttpContext http) => Page<EamAppNewPage>(new { Admin = Actor(http), Error = Error(http) }));

        write.MapPost("/eam-apps/new", async (HttpContext http, EamAdministration eam) =>
        {
            var form = await FormAsync(http);
            var draft = new EamProfileRequest(form["adminName"].ToString(), form["displayName"].ToString(),
                [.. NumberedLines(form["tenantIds"]).Select(l => l.Trim()).Where(l => l.Length > 0)], All(form, "clouds"),
                form["appId"].ToString().Trim(), form["matchByUsername"] == "true");
            if (draft.Clouds is { Count: 0 })
                return Page<EamAppNewPage>(new { Admin = Actor(http), Draft = draft, Error = AdminMessages.Describe("invalid_clouds") }, StatusCodes.Status400BadRequest);
            var result = await eam.CreateAsync(Actor(http), draft, http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/eam-apps/{Uri.EscapeDataString(result.Value!.ClientId)}", null))
                : Page<EamAppNewPage>(new { Admin = Actor(http), Draft = draft, Error = result.Describe() }, result.FailureStatus);
        });

        write.MapGet("/eam-apps/{clientId}", async (string clientId, HttpContext http, EamAdministration eam, EamEndpoints endpoints, EamSelfCheck check) =>
        {
            if (await eam.GetAsync(clientId, http.RequestAborted) is not { } profile)
                return AdminHttp.SeeOther(Back("/console/apps", "not_found"));
            var problems = await check.CheckAsync(endpoints.DiscoveryUrl, http.RequestAborted);
            return Page<EamAppPage>(new { Admin = Actor(http), View = eam.View(profile), Problems = problems, Error = Error(http), Notice = Notice(http) });
        });

        write.MapPost("/eam-apps/{clientId}/delete", async (string clientId, HttpContext http, EamAdministration eam) =>
            AdminHttp.SeeOther(Back("/console/apps", await eam.DeleteAsync(Actor(http), clientId, http.RequestAborted) ? null : "not_found")));
    }
}
