using System.Text.Json.Nodes;

namespace Imprivata.Functions.Hosting;

/// <summary><c>GET /</c> (the Functions host's start-up probe: any answer will do) and <c>GET /health</c> (real readiness).</summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { status = "up" });
        });

        endpoints.MapGet("/health", async (HttpContext context, ReadinessProbe probe) =>
        {
            var report = await probe.CheckAsync(context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            var body = new JsonObject
            {
                ["status"] = report.IsReady ? "ready" : "not_ready",
                ["storage"] = report.Storage,
                ["keys"] = report.Keys,
            };
            return Results.Text(body.ToJsonString(), "application/json", statusCode: report.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        })
        // Answered by the routing middleware, before the rest of the pipeline: OpenIddict looks at every request and needs
        // its keys to do so, and /health must still say which part is not ready (503) while they cannot be read.
        .ShortCircuit();
    }
}
