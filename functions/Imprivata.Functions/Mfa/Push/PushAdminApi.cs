using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>
/// The administrator's fraud alerts: users whose pushes stopped after "deny and report fraud", and clearing that stop.
/// Helpdesk may do both (the reference's helpdesk handles users' authenticators), clearing only for users who hold no
/// administrator role (AdminPrincipal.MayManage); clearing is audited with the actor.
/// </summary>
public static class PushAdminApi
{
    public static void MapPushAdminApi(this IEndpointRouteBuilder app)
    {
        var helpdesk = app.MapGroup("/admin/api/push").AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Api));

        helpdesk.MapGet("/fraud-reports", async (PushApproval push, CancellationToken ct) =>
            Results.Json((await push.FraudBlockedAsync(ct)).Select(s => new FraudReportView(s.UserId, s.Username, s.FraudReportedAt, s.FraudAppName, s.FraudClientIp)),
                AdminHttp.Json));

        helpdesk.MapPost("/fraud-reports/{userId}/clear", async (string userId, HttpContext http, PushApproval push, AdminAudit audit, IDirectoryStore directory) =>
        {
            var actor = AdminPrincipal.Required(http);
            if (await directory.FindUserByIdAsync(userId, http.RequestAborted) is { } user && !actor.MayManage(user))
            {
                await audit.RecordAsync(actor, AuditKinds.AdminPushFraudClear, "failure", AdminPrincipal.AdministratorAccount, http.RequestAborted,
                    userId: userId, username: user.Username);
                return AdminHttp.Forbidden(AdminPrincipal.AdministratorAccount);
            }
            var state = await push.UserStateAsync(userId, http.RequestAborted);
            if (!await push.ClearFraudBlockAsync(userId, http.RequestAborted))
                return AdminHttp.Error(404, "not_found", "pushes for this user are not stopped");
            await audit.SucceededAsync(actor, AuditKinds.AdminPushFraudClear, http.RequestAborted, userId: userId, username: state.Username,
                detail: $"reported_at={state.FraudReportedAt:O} app={state.FraudAppName}");
            return Results.NoContent();
        });
    }
}

public sealed record FraudReportView(string UserId, string Username, DateTimeOffset? ReportedAt, string? App, string? Ip);
