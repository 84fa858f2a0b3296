using Imprivata.Core.Radius;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>
/// /console/api/radius/edges: helpdesk and up read the edges' status; only a superadmin issues integration tokens (the
/// token is in the answer once and nowhere else), stops, restarts or revokes.
/// </summary>
public static class EdgeApi
{
    private const string Path = "/radius/edges";

    public static void MapEdgeApi(this RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet(Path, async (EdgeAdministration edges, CancellationToken ct) => Results.Json(await edges.OverviewAsync(ct), AdminHttp.Json));

        write.MapPost(Path + "/tokens", async (HttpContext http, EdgeAdministration edges) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(await edges.IssueTokenAsync(AdminPrincipal.Required(http), http.RequestAborted), AdminHttp.Json, statusCode: StatusCodes.Status201Created);
        });

        write.MapPost(Path + "/stop-all", (HttpContext http, EdgeAdministration edges) => AllAsync(http, edges, EdgeRunState.Stopped));
        write.MapPost(Path + "/restart-all", (HttpContext http, EdgeAdministration edges) => AllAsync(http, edges, EdgeRunState.Running));
        write.MapPost(Path + "/{id}/stop", (string id, HttpContext http, EdgeAdministration edges) => OneAsync(id, http, edges, EdgeRunState.Stopped));
        write.MapPost(Path + "/{id}/restart", (string id, HttpContext http, EdgeAdministration edges) => OneAsync(id, http, edges, EdgeRunState.Running));
        write.MapPost(Path + "/{id}/revoke", async (string id, HttpContext http, EdgeAdministration edges) =>
        {
            var result = await edges.RevokeAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });
    }

    private static async Task<IResult> OneAsync(string id, HttpContext http, EdgeAdministration edges, EdgeRunState state)
    {
        var result = await edges.SetStateAsync(AdminPrincipal.Required(http), id, state, http.RequestAborted);
        return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
    }

    private static async Task<IResult> AllAsync(HttpContext http, EdgeAdministration edges, EdgeRunState state) =>
        Results.Json(new { Changed = await edges.SetAllAsync(AdminPrincipal.Required(http), state, http.RequestAborted) }, AdminHttp.Json);
}
