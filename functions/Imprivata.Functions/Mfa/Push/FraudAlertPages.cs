using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>Console page "Fraud alerts" (helpdesk and superadmin): users whose pushes are stopped, and clearing the stop.</summary>
public static class FraudAlertPages
{
    public const string Path = "/console/fraud-alerts";

    public static void MapFraudAlertPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Pages));

        pages.MapGet("", async (HttpContext http, FraudAlerts alerts) =>
            Page<FraudAlertsPage>(new
            {
                Admin = Actor(http), Alerts = await alerts.ListWithUsersAsync(http.RequestAborted), Error = Error(http),
                Notice = http.Request.Query.ContainsKey("cleared") ? "Alert cleared: pushes reach the user again." : null,
            }));

        pages.MapPost("/{userId}/clear", async (string userId, HttpContext http, FraudAlerts alerts) =>
        {
            var result = await alerts.ClearAsync(Actor(http), userId, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Path + "?cleared=1" : Back(Path, result.Error));
        });
    }
}
