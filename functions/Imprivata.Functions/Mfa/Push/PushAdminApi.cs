using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>/console/api/push: the fraud alerts (<see cref="FraudAlerts"/>) as JSON. Helpdesk and up.</summary>
public static class PushAdminApi
{
    public static void MapPushAdminApi(this IEndpointRouteBuilder app)
    {
        var helpdesk = app.MapGroup("/console/api/push").AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Api));

        helpdesk.MapGet("/fraud-reports", async (FraudAlerts alerts, CancellationToken ct) => Results.Json(await alerts.ListAsync(ct), AdminHttp.Json));

        helpdesk.MapPost("/fraud-reports/{userId}/clear", async (string userId, HttpContext http, FraudAlerts alerts) =>
        {
            var result = await alerts.ClearAsync(AdminPrincipal.Required(http), userId, http.RequestAborted);
            return result.Error switch
            {
                null => Results.NoContent(),
                FraudAlerts.NotBlocked => AdminHttp.Error(StatusCodes.Status404NotFound, "not_found", "pushes for this user are not stopped"),
                _ => AdminHttp.Failure(result),
            };
        });
    }
}
