using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Listener;
using Imprivata.RadiusEdge.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Imprivata.RadiusEdge.Health;

/// <summary>GET /health on loopback: listener, bridge and pending count. 200 when all is well, 503 otherwise.</summary>
public static class HealthEndpoint
{
    public const string Path = "/health";

    public static IEndpointRouteBuilder MapEdgeHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (UdpListener listener, IBridge bridge, PendingTable pending, Clients.NasClientDirectory clients, EdgeStatus edge) =>
        {
            // A revoked edge answers nothing: unhealthy. A stopped one answers (Access-Reject) as the console asked: not a fault.
            var healthy = listener.Listening && bridge.Status.Connected && !edge.Revoked;
            var body = new
            {
                status = !healthy ? "unhealthy" : edge.Stopped ? "stopped" : "healthy",
                state = edge.State,
                console = new { connected = edge.Connected, configVersion = edge.ConfigVersion, managedClients = clients.Managed, errors = edge.RecentErrors() },
                listener = new { listening = listener.Listening, endpoint = listener.LocalEndPoint?.ToString() },
                bridge = new { kind = bridge.Status.Kind, connected = bridge.Status.Connected, lastError = bridge.Status.LastError },
                pending = pending.Count,
                clients = clients.Count,
            };
            return Results.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
