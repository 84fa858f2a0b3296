using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>Group administration shared by the JSON API and the console pages, audited.</summary>
public sealed class GroupAdministration(IDirectoryStore directory, GroupService groups, AdminAudit audit)
{
    public async Task<IReadOnlyList<DirectoryGroup>> ListAsync(CancellationToken ct)
    {
        var all = new List<DirectoryGroup>();
        await foreach (var group in directory.ListGroupsAsync(ct).ConfigureAwait(false))
            all.Add(group);
        return [.. all.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase)];
    }

    public Task<DirectoryGroup?> GetAsync(string id, CancellationToken ct) => directory.FindGroupByIdAsync(id, ct);

    public Task<IReadOnlyList<GroupMember>> MembersAsync(string id, CancellationToken ct) => directory.ListMembersAsync(id, ct);

    public async Task<AdminResult<DirectoryGroup>> CreateAsync(AdminPrincipal actor, string name, string description, CancellationToken ct)
    {
        var result = AdminResult<DirectoryGroup>.From(await groups.CreateAsync(name, description, ct).ConfigureAwait(false));
        await AuditAsync(actor, AuditKinds.AdminGroupCreate, result.Error, $"group={result.Value?.Id}", ct).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<DirectoryGroup>> UpdateAsync(AdminPrincipal actor, string id, string name, string description, CancellationToken ct)
    {
        var result = AdminResult<DirectoryGroup>.From(await groups.UpdateAsync(id, name, description, ct).ConfigureAwait(false));
        await AuditAsync(actor, AuditKinds.AdminGroupUpdate, result.Error, $"group={id}", ct).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<bool>> DeleteAsync(AdminPrincipal actor, string id, CancellationToken ct)
    {
        var result = await groups.DeleteAsync(id, ct).ConfigureAwait(false) ? AdminResult<bool>.Ok(true) : AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        await AuditAsync(actor, AuditKinds.AdminGroupDelete, result.Error, $"group={id}", ct).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<GroupMember>> AddMemberAsync(AdminPrincipal actor, GroupMember member, CancellationToken ct)
    {
        var result = AdminResult<GroupMember>.From(await groups.AddMemberAsync(member, ct).ConfigureAwait(false));
        await AuditAsync(actor, AuditKinds.AdminGroupMemberAdd, result.Error, Describe(member), ct).ConfigureAwait(false);
        return result;
    }

    public async Task<AdminResult<GroupMember>> RemoveMemberAsync(AdminPrincipal actor, GroupMember member, CancellationToken ct)
    {
        if (await directory.FindGroupByIdAsync(member.GroupId, ct).ConfigureAwait(false) is null)
            return AdminResult<GroupMember>.Fail(DirectoryErrors.NotFound);
        await groups.RemoveMemberAsync(member, ct).ConfigureAwait(false);
        await AuditAsync(actor, AuditKinds.AdminGroupMemberRemove, null, Describe(member), ct).ConfigureAwait(false);
        return AdminResult<GroupMember>.Ok(member);
    }

    private static string Describe(GroupMember m) => $"group={m.GroupId};{m.Kind.ToString().ToLowerInvariant()}={m.MemberId}";

    private Task AuditAsync(AdminPrincipal actor, string kind, string? error, string detail, CancellationToken ct) =>
        error is null ? audit.SucceededAsync(actor, kind, ct, detail: detail) : audit.RecordAsync(actor, kind, "failure", error, ct, detail: detail);
}
