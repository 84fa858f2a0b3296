using Imprivata.Functions.Admin;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>
/// The backend half of the edge management contract (radius-edge/README.md): connect with an integration token, then
/// heartbeat and configuration with the edge's bearer credential. Errors are <c>{"error","reason"}</c> with 400 or 401;
/// responses that carry a credential or shared secrets are never cached.
/// </summary>
public static class EdgeEndpoints
{
    public const string Prefix = "/radius/v1/edges";

    public static void MapEdgeEndpoints(this WebApplication app)
    {
        app.MapPost(Prefix + "/connect", async (HttpContext http, EdgeConnections connections) =>
        {
            NoStore(http);
            var (body, error) = await AdminHttp.ReadJsonAsync<EdgeConnectRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var (connected, refusal, reason) = await connections.ConnectAsync(body, Origin(http), http.RequestAborted);
            return connected is not null ? Results.Json(connected, EdgeConfiguration.Json) : AdminHttp.Error(StatusCodes.Status400BadRequest, refusal!, reason);
        });

        app.MapPost(Prefix + "/{edgeId}/heartbeat", async (string edgeId, HttpContext http, EdgeConnections connections, EdgeConfiguration config) =>
        {
            NoStore(http);
            var (edge, refused) = await connections.AuthenticateAsync(edgeId, http.Request.Headers.Authorization, Origin(http), http.RequestAborted);
            if (edge is null)
                return AdminHttp.Error(StatusCodes.Status401Unauthorized, refused!);
            var (body, error) = await AdminHttp.ReadJsonAsync<EdgeHeartbeatRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var version = await config.VersionAsync(http.RequestAborted);
            return Results.Json(await connections.HeartbeatAsync(edge, body, version, http.RequestAborted), EdgeConfiguration.Json);
        });

        app.MapGet(Prefix + "/{edgeId}/config", async (string edgeId, HttpContext http, EdgeConnections connections, EdgeConfiguration config) =>
        {
            NoStore(http);
            var (edge, refused) = await connections.AuthenticateAsync(edgeId, http.Request.Headers.Authorization, Origin(http), http.RequestAborted);
            if (edge is null)
                return AdminHttp.Error(StatusCodes.Status401Unauthorized, refused!);
            var (current, body) = await config.CurrentAsync(http.RequestAborted);
            var etag = "\"" + current.ConfigVersion + "\"";
            http.Response.Headers.ETag = etag;
            if (http.Request.Headers.IfNoneMatch.Any(v => (v ?? "").Split(',').Any(t => Unquoted(t) == current.ConfigVersion)))
                return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(body, "application/json");
        });
    }

    /// <summary>An entity tag as sent: quoted, maybe weak (W/), or bare as the edge may send its version.</summary>
    private static string Unquoted(string tag)
    {
        var t = tag.Trim();
        if (t.StartsWith("W/", StringComparison.Ordinal))
            t = t[2..];
        return t.Trim('"');
    }

    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    private static AuditOrigin Origin(HttpContext http) => new(http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier, null);
}
