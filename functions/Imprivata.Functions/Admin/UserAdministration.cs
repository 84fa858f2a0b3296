using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;

namespace Imprivata.Functions.Admin;

/// <summary>User administration shared by the JSON API and the console pages: rules from DirectoryService, plus audit
/// and the guard that an administrator cannot lock themselves out.</summary>
public sealed class UserAdministration(IDirectoryStore directory, DirectoryService users, GroupMembership membership, AdminAudit audit,
    PasswordAttempts attempts, Core.Mfa.TemporaryCodes.TemporaryCodes temporaryCodes, Login.SsoSessions sessions, TimeProvider time)
{
    public const int MaxListed = 500;

    public async Task<IReadOnlyList<DirectoryUser>> ListAsync(string? query, CancellationToken ct)
    {
        var q = query?.Trim() ?? "";
        var found = new List<DirectoryUser>();
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            if (q.Length == 0 || user.Username.Contains(q, StringComparison.OrdinalIgnoreCase) ||
                user.DisplayName.Contains(q, StringComparison.OrdinalIgnoreCase) || (user.Email?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false))
                found.Add(user);
        }
        return [.. found.OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase).Take(MaxListed)];
    }

    public Task<DirectoryUser?> GetAsync(string id, CancellationToken ct) => directory.FindUserByIdAsync(id, ct);

    /// <summary>Distinct domains of the directory's users.</summary>
    public async Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken ct)
    {
        var domains = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
            domains.Add(user.Domain);
        return [.. domains];
    }

    /// <summary>Distinct OU container paths in use, each with its parent paths ("Clinical", "Clinical/Nursing").</summary>
    public async Task<IReadOnlyList<string>> ListOrganizationalUnitsAsync(CancellationToken ct)
    {
        var paths = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            var segments = OrganizationalUnits.Normalize(user.OrganizationalUnit).Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 1; i <= segments.Length; i++)
                paths.Add(string.Join('/', segments[..i]));
        }
        return [.. paths];
    }

    public async Task<(IReadOnlyList<string> Direct, IReadOnlySet<string> Effective)> GroupsOfAsync(string userId, CancellationToken ct) =>
        (await directory.ListDirectParentGroupsAsync(MemberKind.User, userId, ct).ConfigureAwait(false),
         await membership.EffectiveGroupsOfUserAsync(userId, ct).ConfigureAwait(false));

    public async Task<AdminResult<DirectoryUser>> CreateAsync(AdminPrincipal actor, UserFields fields, string? password, CancellationToken ct)
    {
        var result = AdminResult<DirectoryUser>.From(await users.CreateUserAsync(fields, password, ct).ConfigureAwait(false));
        await AuditAsync(actor, AuditKinds.AdminUserCreate, result, result.Value?.Id, fields.Username, RoleDetail(fields.AdminRole), ct).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<DirectoryUser>> UpdateAsync(AdminPrincipal actor, string id, UserFields fields, CancellationToken ct)
    {
        if (id == actor.User.Id && (!fields.Enabled || fields.AdminRole != actor.User.AdminRole))
            return AdminResult<DirectoryUser>.Fail("cannot_change_own_access");
        var before = await directory.FindUserByIdAsync(id, ct).ConfigureAwait(false);
        var result = AdminResult<DirectoryUser>.From(await users.UpdateUserAsync(id, fields, ct).ConfigureAwait(false));
        await AuditAsync(actor, AuditKinds.AdminUserUpdate, result, id, fields.Username, RoleDetail(fields.AdminRole) + (fields.Enabled ? "" : ";disabled"), ct).ConfigureAwait(false);
        // A temporary code the helpdesk issued while the user held no role must not stand in for an administrator's second factor.
        if (result.Succeeded && before is { AdminRole: AdminRole.None } && fields.AdminRole != AdminRole.None &&
            (await temporaryCodes.RevokeAsync(id, actor.User.Username, ct).ConfigureAwait(false)).Succeeded)
            await audit.SucceededAsync(actor, AuditKinds.AdminTemporaryCodeRevoke, ct, id, fields.Username, detail: "the user became an administrator").ConfigureAwait(false);
        if (result.Succeeded && before is { Enabled: true } && !fields.Enabled)
            await sessions.EndEveryAfterChangeAsync(id, time.GetUtcNow(), actor.Origin).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<DirectoryUser>> SetEnabledAsync(AdminPrincipal actor, string id, bool enabled, CancellationToken ct)
    {
        if (id == actor.User.Id && !enabled)
            return AdminResult<DirectoryUser>.Fail("cannot_change_own_access");
        var result = AdminResult<DirectoryUser>.From(await users.SetEnabledAsync(id, enabled, ct).ConfigureAwait(false));
        await AuditAsync(actor, enabled ? AuditKinds.AdminUserEnable : AuditKinds.AdminUserDisable, result, id, result.Value?.Username, null, ct).ConfigureAwait(false);
        if (result.Succeeded && !enabled)
            await sessions.EndEveryAfterChangeAsync(id, time.GetUtcNow(), actor.Origin).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<DirectoryUser>> SetPasswordAsync(AdminPrincipal actor, string id, string password, CancellationToken ct)
    {
        var result = AdminResult<DirectoryUser>.From(await users.SetPasswordAsync(id, password, ct).ConfigureAwait(false));
        var forgotten = result.Succeeded && await attempts.ForgetFailuresAsync(id, ct).ConfigureAwait(false);
        await AuditAsync(actor, AuditKinds.AdminUserPassword, result, id, result.Value?.Username, forgotten ? "password failures cleared" : null, ct)
            .ConfigureAwait(false);
        if (result.Value is { } changed)
            await sessions.EndEveryAfterChangeAsync(id, changed.CredentialsChangedAt, actor.Origin).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<bool>> DeleteAsync(AdminPrincipal actor, string id, CancellationToken ct)
    {
        if (id == actor.User.Id)
            return AdminResult<bool>.Fail("cannot_change_own_access");
        var user = await directory.FindUserByIdAsync(id, ct).ConfigureAwait(false);
        var result = user is not null && await users.DeleteUserAsync(id, ct).ConfigureAwait(false)
            ? AdminResult<bool>.Ok(true)
            : AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        await AuditAsync(actor, AuditKinds.AdminUserDelete, result, id, user?.Username, null, ct).ConfigureAwait(false);
        if (result.Succeeded)
            await sessions.EndEveryAfterChangeAsync(id, time.GetUtcNow(), actor.Origin).ConfigureAwait(false);
        return result;
    }

    private static string RoleDetail(AdminRole role) => "role=" + role;

    private Task AuditAsync<T>(AdminPrincipal actor, string kind, AdminResult<T> result, string? userId, string? username, string? detail, CancellationToken ct) =>
        result.Succeeded
            ? audit.SucceededAsync(actor, kind, ct, userId, username, detail: detail)
            : audit.RecordAsync(actor, kind, "failure", result.Error!, ct, userId, username, detail: detail);
}
