using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>
/// Temporary codes in the admin API, for helpdesk and superadmins: GET /console/api/temporary-codes (active codes),
/// GET / POST / DELETE /console/api/users/{id}/temporary-code. The POST response is the only place the code ever appears.
/// </summary>
public static class TemporaryCodeApi
{
    public static void MapTemporaryCodeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/console/api").AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Api));

        api.MapGet("/temporary-codes", async (TemporaryCodeAdministration codes, CancellationToken ct) =>
            Results.Json(await codes.ListActiveAsync(ct), AdminHttp.Json));

        api.MapGet("/users/{id}/temporary-code", async (string id, TemporaryCodeAdministration codes, CancellationToken ct) =>
            await codes.FindAsync(id, ct) is { } view ? Results.Json(view, AdminHttp.Json) : AdminHttp.Error(404, "not_found", "no_temporary_code"));

        api.MapPost("/users/{id}/temporary-code", async (string id, HttpContext http, TemporaryCodeAdministration codes) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<IssueRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await codes.IssueAsync(AdminPrincipal.Required(http), id, body.Validity, http.RequestAborted);
            if (!result.Succeeded)
                return Failure(result.Error);
            return Results.Json(new IssuedView(id, result.IssuedCode!, result.Code!.IssuedAt, result.Code.ExpiresAt), AdminHttp.Json, statusCode: StatusCodes.Status201Created);
        });

        api.MapDelete("/users/{id}/temporary-code", async (string id, HttpContext http, TemporaryCodeAdministration codes) =>
        {
            var result = await codes.RevokeAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : Failure(result.Error);
        });
    }

    private static IResult Failure(string? error)
    {
        var status = TemporaryCodeAdministration.StatusOf(error);
        return AdminHttp.Error(status, status switch { 403 => "forbidden", 404 => "not_found", 409 => "conflict", _ => "invalid_request" }, error);
    }

    /// <param name="Validity">One of 1h, 4h, 8h, 1d, 3d, 7d, 14d, 30d; default 1d.</param>
    private sealed record IssueRequest(string? Validity);

    private sealed record IssuedView(string UserId, string Code, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
}
