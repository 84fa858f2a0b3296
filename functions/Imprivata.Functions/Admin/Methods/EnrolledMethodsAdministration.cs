using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.HardwareTokens;

namespace Imprivata.Functions.Admin.Methods;

/// <summary>A user's enrolled second factors as the console shows them: never a secret, key or destination detail.</summary>
public sealed record EnrolledMethodView(string Id, string Factor, string FactorName, string Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Confirmed)
{
    public static EnrolledMethodView Of(Enrollment e) => new(e.Id, e.Factor.Name(), e.Factor.DisplayName(), e.Label, e.CreatedAt, e.LastUsedAt, e.Confirmed);
}

/// <summary>
/// Users > user > Enrolled methods: list, remove one (a lost phone), reset all (the user enrolls again). The helpdesk role
/// may do all three (the helpdesk handles lost devices), for users who hold no administrator role
/// (<see cref="AdminPrincipal.MayManage"/>); every change is audited with the actor.
/// </summary>
public sealed class EnrolledMethodsAdministration(IEnrollmentStore enrollments, IDirectoryStore directory, DirectoryService users, AdminAudit audit,
    HardwareTokenInventory tokens, Login.SsoSessions sessions)
{
    public async Task<AdminResult<IReadOnlyList<EnrolledMethodView>>> ListAsync(string userId, CancellationToken ct)
    {
        if (await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false) is null)
            return AdminResult<IReadOnlyList<EnrolledMethodView>>.Fail(DirectoryErrors.NotFound);
        var list = await enrollments.ListAsync(userId, ct).ConfigureAwait(false);
        return AdminResult<IReadOnlyList<EnrolledMethodView>>.Ok([.. list.OrderBy(e => e.CreatedAt).Select(EnrolledMethodView.Of)]);
    }

    /// <summary>Removes one enrollment. Sessions stay: the factor cannot be used again, and "reset" is there to end sessions.</summary>
    public async Task<AdminResult<bool>> RemoveAsync(AdminPrincipal actor, string userId, string enrollmentId, CancellationToken ct)
    {
        var user = await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false);
        var allowed = user is null || actor.MayManage(user);
        var enrollment = user is null || !allowed ? null : await enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
        var removed = enrollment is not null && await DeleteAsync(enrollment, ct).ConfigureAwait(false);
        var result = removed ? AdminResult<bool>.Ok(true) : AdminResult<bool>.Fail(allowed ? DirectoryErrors.NotFound : AdminPrincipal.AdministratorAccount);
        var detail = $"enrollment={enrollmentId}" + (enrollment is null ? "" : ";factor=" + enrollment.Factor.Name());
        await AuditAsync(actor, AuditKinds.AdminUserMfaRemove, result, userId, user?.Username, detail, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Removes every enrollment and bumps CredentialsChangedAt like a password change, so the user's SSO sessions, pending
    /// logins and refresh tokens end: whoever holds the lost device cannot ride an existing session.
    /// </summary>
    public async Task<AdminResult<int>> ResetAsync(AdminPrincipal actor, string userId, CancellationToken ct)
    {
        var user = await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false);
        if (user is null)
        {
            var missing = AdminResult<int>.Fail(DirectoryErrors.NotFound);
            await AuditAsync(actor, AuditKinds.AdminUserMfaReset, missing, userId, null, null, ct).ConfigureAwait(false);
            return missing;
        }
        if (!actor.MayManage(user))
        {
            var refused = AdminResult<int>.Fail(AdminPrincipal.AdministratorAccount);
            await AuditAsync(actor, AuditKinds.AdminUserMfaReset, refused, userId, user.Username, null, ct).ConfigureAwait(false);
            return refused;
        }
        // Sessions end first: if a delete below fails, the user is still signed out and the reset can be repeated.
        var marked = await users.MarkCredentialsChangedAsync(userId, ct).ConfigureAwait(false);
        var removed = new List<string>();
        if (marked.Succeeded)
        {
            foreach (var enrollment in await enrollments.ListAsync(userId, ct).ConfigureAwait(false))
            {
                if (await DeleteAsync(enrollment, ct).ConfigureAwait(false))
                    removed.Add(enrollment.Factor.Name());
            }
        }
        var result = marked.Succeeded ? AdminResult<int>.Ok(removed.Count) : AdminResult<int>.Fail(marked.Error!);
        await AuditAsync(actor, AuditKinds.AdminUserMfaReset, result, userId, user.Username, $"removed={removed.Count};factors={string.Join('+', removed)}", ct).ConfigureAwait(false);
        // Ended above at their next use; ended now, their apps are told too (back-channel logout).
        if (marked.Value is { } changed)
            await sessions.EndEveryAfterChangeAsync(userId, changed.CredentialsChangedAt, actor.Origin).ConfigureAwait(false);
        return result;
    }

    /// <summary>A hardware token goes back to the inventory (unassigned, its counter kept) rather than staying marked as assigned.</summary>
    private async Task<bool> DeleteAsync(Enrollment enrollment, CancellationToken ct)
    {
        if (enrollment.Serial is { Length: > 0 } serial && (await tokens.UnassignAsync(serial, ct).ConfigureAwait(false)).Succeeded)
            return true;
        return await enrollments.DeleteAsync(enrollment.UserId, enrollment.Id, ct).ConfigureAwait(false);
    }

    private Task AuditAsync<T>(AdminPrincipal actor, string kind, AdminResult<T> result, string userId, string? username, string? detail, CancellationToken ct) =>
        result.Succeeded
            ? audit.SucceededAsync(actor, kind, ct, userId, username, detail: detail)
            : audit.RecordAsync(actor, kind, "failure", result.Error!, ct, userId, username, detail: detail);
}
