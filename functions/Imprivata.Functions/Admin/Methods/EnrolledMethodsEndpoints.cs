namespace Imprivata.Functions.Admin.Methods;

/// <summary>API and console form posts for a user's enrolled methods. Helpdesk and up (see EnrolledMethodsAdministration).</summary>
public static class EnrolledMethodsEndpoints
{
    public static void MapEnrolledMethodsApi(this RouteGroupBuilder desk)
    {
        desk.MapGet("/users/{id}/methods", async (string id, EnrolledMethodsAdministration methods, CancellationToken ct) =>
        {
            var result = await methods.ListAsync(id, ct);
            return result.Succeeded ? Results.Json(result.Value, AdminHttp.Json) : AdminHttp.Failure(result);
        });

        desk.MapDelete("/users/{id}/methods/{enrollmentId}", async (string id, string enrollmentId, HttpContext http, EnrolledMethodsAdministration methods) =>
        {
            var result = await methods.RemoveAsync(AdminPrincipal.Required(http), id, enrollmentId, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });

        desk.MapPost("/users/{id}/methods/reset", async (string id, HttpContext http, EnrolledMethodsAdministration methods) =>
        {
            var result = await methods.ResetAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.Json(new { Removed = result.Value }, AdminHttp.Json) : AdminHttp.Failure(result);
        });
    }

    public static void MapEnrolledMethodsPages(this RouteGroupBuilder desk)
    {
        desk.MapPost("/users/{id}/methods/{enrollmentId}/remove", async (string id, string enrollmentId, HttpContext http, EnrolledMethodsAdministration methods) =>
        {
            var result = await methods.RemoveAsync(AdminPrincipal.Required(http), id, enrollmentId, http.RequestAborted);
            return AdminHttp.SeeOther(AdminPages.Back($"/console/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        desk.MapPost("/users/{id}/methods/reset", async (string id, HttpContext http, EnrolledMethodsAdministration methods) =>
        {
            var result = await methods.ResetAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(AdminPages.Back($"/console/users/{Uri.EscapeDataString(id)}", result.Error));
        });
    }
}
