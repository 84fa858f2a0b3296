using Imprivata.Core.Audit;
using Imprivata.Functions.Oidc;

namespace Imprivata.Functions.Admin;

/// <summary>
/// /console/api/resources: the APIs clients may ask tokens for with the resource parameter (RFC 8707); an access token
/// for one names it as its audience (RFC 9068). Superadmins only, like every app setting.
/// </summary>
public static class ApiResourceApi
{
    public sealed record ApiResourceRequest(string? Uri, string? DisplayName);

    public static void MapApiResourceApi(this RouteGroupBuilder write)
    {
        write.MapGet("/resources", async (ApiResources resources, CancellationToken ct) =>
            Results.Json(await resources.ListAsync(ct), AdminHttp.Json));

        write.MapPost("/resources", async (HttpContext http, ApiResources resources, AdminAudit audit) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<ApiResourceRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var admin = AdminPrincipal.Required(http);
            var refused = await resources.AddAsync(body.Uri ?? "", body.DisplayName ?? "", http.RequestAborted);
            if (refused is not null)
            {
                // The administrator's own input, bounded where every audit row is (TableAuditLog).
                await audit.RecordAsync(admin, AuditKinds.AdminApiResourceCreate, AuditResults.Failure, "invalid_resource", http.RequestAborted, detail: body.Uri);
                return AdminHttp.BadRequest(refused);
            }
            await audit.SucceededAsync(admin, AuditKinds.AdminApiResourceCreate, http.RequestAborted, detail: body.Uri);
            return Results.Json(new ApiResource(body.Uri!, body.DisplayName!.Trim()), AdminHttp.Json, statusCode: StatusCodes.Status201Created);
        });
    }
}
