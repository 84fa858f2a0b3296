namespace Imprivata.Core.UserDirectory;

/// <summary>Rules for changing groups: valid names, members that exist, and no group nested inside itself.</summary>
public sealed class GroupService(IDirectoryStore store, GroupMembership membership, TimeProvider time)
{
    public const int MaxNameLength = 128;

    public async Task<DirectoryResult<DirectoryGroup>> CreateAsync(string name, string description, CancellationToken ct)
    {
        if (CheckNames(name, description) is { } invalid)
            return DirectoryResult<DirectoryGroup>.Fail(invalid);
        if (await NameTakenAsync(name, null, ct).ConfigureAwait(false))
            return DirectoryResult<DirectoryGroup>.Fail(DirectoryErrors.GroupNameTaken);
        var group = new DirectoryGroup { Id = DirectoryService.NewId(), Name = name.Trim(), Description = description.Trim(), CreatedAt = time.GetUtcNow() };
        return await store.CreateGroupAsync(group, ct).ConfigureAwait(false)
            ? DirectoryResult<DirectoryGroup>.Ok(group)
            : DirectoryResult<DirectoryGroup>.Fail(DirectoryErrors.GroupNameInvalid);
    }

    public async Task<DirectoryResult<DirectoryGroup>> UpdateAsync(string id, string name, string description, CancellationToken ct)
    {
        if (CheckNames(name, description) is { } invalid)
            return DirectoryResult<DirectoryGroup>.Fail(invalid);
        var group = await store.FindGroupByIdAsync(id, ct).ConfigureAwait(false);
        if (group is null)
            return DirectoryResult<DirectoryGroup>.Fail(DirectoryErrors.NotFound);
        // A rename may not take another group's name; keeping one's own name is always allowed, even where duplicates
        // from before this rule exist.
        if (!SameName(group.Name, name) && await NameTakenAsync(name, id, ct).ConfigureAwait(false))
            return DirectoryResult<DirectoryGroup>.Fail(DirectoryErrors.GroupNameTaken);
        var updated = group with { Name = name.Trim(), Description = description.Trim() };
        await store.UpdateGroupAsync(updated, ct).ConfigureAwait(false);
        return DirectoryResult<DirectoryGroup>.Ok(updated);
    }

    public async Task<DirectoryResult<GroupMember>> AddMemberAsync(GroupMember member, CancellationToken ct)
    {
        if (await store.FindGroupByIdAsync(member.GroupId, ct).ConfigureAwait(false) is null)
            return DirectoryResult<GroupMember>.Fail(DirectoryErrors.NotFound);
        var exists = member.Kind switch
        {
            MemberKind.User => await store.FindUserByIdAsync(member.MemberId, ct).ConfigureAwait(false) is not null,
            MemberKind.Group => await store.FindGroupByIdAsync(member.MemberId, ct).ConfigureAwait(false) is not null,
            _ => false,
        };
        if (!exists)
            return DirectoryResult<GroupMember>.Fail(DirectoryErrors.MemberNotFound);
        // Nesting G inside P is a cycle when P already is G or lies (transitively) inside G.
        if (member.Kind == MemberKind.Group && await IsInsideAsync(member.GroupId, member.MemberId, ct).ConfigureAwait(false))
            return DirectoryResult<GroupMember>.Fail(DirectoryErrors.GroupCycle);
        await store.AddMemberAsync(member, ct).ConfigureAwait(false);
        return DirectoryResult<GroupMember>.Ok(member);
    }

    public Task RemoveMemberAsync(GroupMember member, CancellationToken ct) => store.RemoveMemberAsync(member, ct);

    public Task<bool> DeleteAsync(string id, CancellationToken ct) => store.DeleteGroupAsync(id, ct);

    /// <summary>
    /// Group names are unique regardless of case: pickers, policies and the deployment dialog show groups by name, and two
    /// "Nurses" would let an administrator grant access to the wrong one. A scan (groups number in the hundreds to thousands);
    /// two administrators creating the same name at the same instant can still both succeed.
    /// </summary>
    private async Task<bool> NameTakenAsync(string name, string? exceptId, CancellationToken ct)
    {
        await foreach (var group in store.ListGroupsAsync(ct).ConfigureAwait(false))
        {
            if (group.Id != exceptId && SameName(group.Name, name))
                return true;
        }
        return false;
    }

    private static bool SameName(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private async Task<bool> IsInsideAsync(string groupId, string containerId, CancellationToken ct)
    {
        if (groupId == containerId)
            return true;
        var ancestors = await membership.EffectiveGroupsOfGroupAsync(groupId, ct).ConfigureAwait(false);
        return ancestors.Contains(containerId);
    }

    private static string? CheckNames(string name, string description) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength || name.Any(char.IsControl) ||
        description.Length > UserFieldRules.MaxFieldLength || description.Any(char.IsControl)
            ? DirectoryErrors.GroupNameInvalid
            : null;
}
