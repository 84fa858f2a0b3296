using Imprivata.Core.Audit;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>A user whose pushes are stopped by a fraud report: when, for which sign-in (app, address).</summary>
public sealed record FraudReportView(string UserId, string Username, DateTimeOffset? ReportedAt, string? App, string? Ip);

/// <summary>A fraud report as the console lists it, with the account (null if deleted) to tell who may clear it.</summary>
public sealed record FraudAlert(FraudReportView Report, DirectoryUser? User);

/// <summary>
/// The administrators' fraud alerts, for the API and the console alike: users whose pushes stopped after "deny and report
/// fraud", and clearing that stop. Helpdesk may do both (the helpdesk handles users' authenticators), clearing
/// only for users who hold no administrator role (<see cref="AdminPrincipal.MayManage"/>); every clearing is audited with
/// the actor, refused ones included.
/// </summary>
public sealed class FraudAlerts(PushApproval push, IDirectoryStore directory, AdminAudit audit)
{
    public const string NotBlocked = "not_fraud_blocked";

    public async Task<IReadOnlyList<FraudReportView>> ListAsync(CancellationToken ct) =>
        [.. (await push.FraudBlockedAsync(ct).ConfigureAwait(false)).Select(s => new FraudReportView(s.UserId, s.Username, s.FraudReportedAt, s.FraudAppName, s.FraudClientIp))];

    public async Task<IReadOnlyList<FraudAlert>> ListWithUsersAsync(CancellationToken ct)
    {
        var alerts = new List<FraudAlert>();
        foreach (var report in await ListAsync(ct).ConfigureAwait(false))
            alerts.Add(new FraudAlert(report, await directory.FindUserByIdAsync(report.UserId, ct).ConfigureAwait(false)));
        return alerts;
    }

    public async Task<AdminResult<bool>> ClearAsync(AdminPrincipal actor, string userId, CancellationToken ct)
    {
        var user = await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false);
        if (user is not null && !actor.MayManage(user))
            return await AuditedAsync(actor, AdminResult<bool>.Fail(AdminPrincipal.AdministratorAccount), userId, user.Username, null, ct).ConfigureAwait(false);
        var state = await push.UserStateAsync(userId, ct).ConfigureAwait(false);
        if (!await push.ClearFraudBlockAsync(userId, ct).ConfigureAwait(false))
            return await AuditedAsync(actor, AdminResult<bool>.Fail(NotBlocked), userId, user?.Username, null, ct).ConfigureAwait(false);
        return await AuditedAsync(actor, AdminResult<bool>.Ok(true), userId, state.Username, $"reported_at={state.FraudReportedAt:O} app={state.FraudAppName}", ct)
            .ConfigureAwait(false);
    }

    private async Task<AdminResult<bool>> AuditedAsync(AdminPrincipal actor, AdminResult<bool> result, string userId, string? username, string? detail, CancellationToken ct)
    {
        if (result.Succeeded)
            await audit.SucceededAsync(actor, AuditKinds.AdminPushFraudClear, ct, userId: userId, username: username, detail: detail).ConfigureAwait(false);
        else
            await audit.RecordAsync(actor, AuditKinds.AdminPushFraudClear, AuditResults.Failure, result.Error!, ct, userId: userId, username: username).ConfigureAwait(false);
        return result;
    }
}
