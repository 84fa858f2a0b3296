using Imprivata.Core.Radius;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>
/// Applications > Remote access > Edges (superadmin). Issuing a token answers with the page itself, the token in it once
/// (a redirect would have to carry it in a URL); stop, restart and revoke answer 303 back to the list.
/// </summary>
public static class EdgePages
{
    public const string Path = "/console/apps/remote-access/edges";
    private const string Relative = "/apps/remote-access/edges";

    public static void MapEdgePages(this RouteGroupBuilder write)
    {
        write.MapGet(Relative, async (HttpContext http, EdgeAdministration edges) =>
            Page<RadiusEdgesPage>(new { Admin = Actor(http), Overview = await edges.OverviewAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapPost(Relative + "/token", async (HttpContext http, EdgeAdministration edges) =>
        {
            var issued = await edges.IssueTokenAsync(Actor(http), http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            return Page<RadiusEdgesPage>(new { Admin = Actor(http), Overview = await edges.OverviewAsync(http.RequestAborted), Issued = issued });
        });

        write.MapPost(Relative + "/stop-all", async (HttpContext http, EdgeAdministration edges) =>
        {
            await edges.SetAllAsync(Actor(http), EdgeRunState.Stopped, http.RequestAborted);
            return AdminHttp.SeeOther(Back(Path, null));
        });
        write.MapPost(Relative + "/restart-all", async (HttpContext http, EdgeAdministration edges) =>
        {
            await edges.SetAllAsync(Actor(http), EdgeRunState.Running, http.RequestAborted);
            return AdminHttp.SeeOther(Back(Path, null));
        });
        write.MapPost(Relative + "/{id}/stop", (string id, HttpContext http, EdgeAdministration edges) => OneAsync(id, http, edges, EdgeRunState.Stopped));
        write.MapPost(Relative + "/{id}/restart", (string id, HttpContext http, EdgeAdministration edges) => OneAsync(id, http, edges, EdgeRunState.Running));
        write.MapPost(Relative + "/{id}/revoke", async (string id, HttpContext http, EdgeAdministration edges) =>
            AdminHttp.SeeOther(Back(Path, (await edges.RevokeAsync(Actor(http), id, http.RequestAborted)).Error)));
    }

    private static async Task<IResult> OneAsync(string id, HttpContext http, EdgeAdministration edges, EdgeRunState state) =>
        AdminHttp.SeeOther(Back(Path, (await edges.SetStateAsync(Actor(http), id, state, http.RequestAborted)).Error));
}
