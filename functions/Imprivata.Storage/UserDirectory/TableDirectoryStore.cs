using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.UserDirectory;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.UserDirectory;

/// <summary>
/// Users, groups and memberships in Azure Tables.
/// Users: PK = user id. UserNames: PK = case-folded username -> user id (the uniqueness index).
/// Groups: PK = group id. Memberships are written twice so both directions are single-partition queries:
/// GroupMembers (PK = group id, RK = kind:member id) and MemberOf (PK = kind:member id, RK = group id).
/// </summary>
public sealed class TableDirectoryStore(TableSet tables, TimeProvider time) : IDirectoryStore
{
    private const string Row = "";

    /// <summary>How stale <see cref="FindRecentUserByIdAsync"/> may be about another instance's change.</summary>
    internal static readonly TimeSpan RecentLifetime = TimeSpan.FromSeconds(5);

    private readonly ShortLivedCache<string, DirectoryUser> _recent = new(time, RecentLifetime, 10_000);

    // Username key -> user id, for sign-ins. Only the pointer is remembered: the user row is always read and must still carry
    // the name, else the index is asked (a rename or delete on another instance).
    private readonly ShortLivedCache<string, string> _usernames = new(time, TimeSpan.FromMinutes(10), 50_000);

    public TableDirectoryStore(TableSet tables) : this(tables, TimeProvider.System)
    {
    }

    public async Task<DirectoryUser?> FindUserByIdAsync(string id, CancellationToken ct)
    {
        var generation = _recent.Generation;
        var users = await tables.GetAsync("Users", ct).ConfigureAwait(false);
        var entity = await users.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(id), Row, cancellationToken: ct).ConfigureAwait(false);
        if (!entity.HasValue)
            return null;
        var user = ToUser(entity.Value!);
        _recent.Set(id, user, generation);
        return user;
    }

    public async Task<DirectoryUser?> FindRecentUserByIdAsync(string id, CancellationToken ct) =>
        _recent.TryGet(id, out var user) ? user : await FindUserByIdAsync(id, ct).ConfigureAwait(false);

    public async Task<DirectoryUser?> FindUserByUsernameAsync(string username, CancellationToken ct)
    {
        var key = TableKey.UsernameKey(username);
        // The index row may outlive an interrupted rename or delete: trust it only when the user still carries the name.
        bool Carries(DirectoryUser? user) => user is not null && string.Equals(user.Username.Trim(), username.Trim(), StringComparison.OrdinalIgnoreCase);
        if (_usernames.TryGet(key, out var rememberedId) && await FindUserByIdAsync(rememberedId, ct).ConfigureAwait(false) is { } remembered && Carries(remembered))
            return remembered;

        var generation = _usernames.Generation;
        var index = await tables.GetAsync("UserNames", ct).ConfigureAwait(false);
        var entry = await index.GetEntityIfExistsAsync<TableEntity>(key, Row, cancellationToken: ct).ConfigureAwait(false);
        if (!entry.HasValue)
            return null;
        var user = await FindUserByIdAsync(entry.Value!.GetString("UserId") ?? "", ct).ConfigureAwait(false);
        if (!Carries(user))
            return null;
        _usernames.Set(key, user!.Id, generation);
        return user;
    }

    public async Task<bool> CreateUserAsync(DirectoryUser user, CancellationToken ct)
    {
        _recent.Remove(user.Id);
        if (!await ClaimUsernameAsync(user.Username, user.Id, ct).ConfigureAwait(false))
            return false;
        var users = await tables.GetAsync("Users", ct).ConfigureAwait(false);
        try
        {
            await users.AddEntityAsync(FromUser(user), ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            await ReleaseUsernameAsync(user.Username, user.Id, ct).ConfigureAwait(false);
            return false;
        }
    }

    public async Task<bool> UpdateUserAsync(DirectoryUser user, CancellationToken ct)
    {
        _recent.Remove(user.Id);
        _usernames.Clear(); // a rename: the old name must not keep pointing here (renames are rare admin actions)
        try
        {
            return await WriteUserAsync(user, ct).ConfigureAwait(false);
        }
        finally
        {
            _recent.Remove(user.Id);
        }
    }

    private async Task<bool> WriteUserAsync(DirectoryUser user, CancellationToken ct)
    {
        var existing = await FindUserByIdAsync(user.Id, ct).ConfigureAwait(false);
        if (existing is null)
            return false;
        var renamed = TableKey.UsernameKey(existing.Username) != TableKey.UsernameKey(user.Username);
        if (renamed && !await ClaimUsernameAsync(user.Username, user.Id, ct).ConfigureAwait(false))
            return false;
        var users = await tables.GetAsync("Users", ct).ConfigureAwait(false);
        await users.UpdateEntityAsync(FromUser(user), ETag.All, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        if (renamed)
            await ReleaseUsernameAsync(existing.Username, user.Id, ct).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> DeleteUserAsync(string id, CancellationToken ct)
    {
        var user = await FindUserByIdAsync(id, ct).ConfigureAwait(false);
        _recent.Remove(id);
        _usernames.Clear();
        if (user is null)
            return false;
        await RemoveAllMembershipsOfAsync(MemberKind.User, id, ct).ConfigureAwait(false);
        var users = await tables.GetAsync("Users", ct).ConfigureAwait(false);
        await users.DeleteEntityAsync(TableKey.Encode(id), Row, ETag.All, ct).ConfigureAwait(false);
        await ReleaseUsernameAsync(user.Username, id, ct).ConfigureAwait(false);
        return true;
    }

    public async IAsyncEnumerable<DirectoryUser> ListUsersAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var users = await tables.GetAsync("Users", ct).ConfigureAwait(false);
        await foreach (var entity in users.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return ToUser(entity);
    }

    public async Task<DirectoryGroup?> FindGroupByIdAsync(string id, CancellationToken ct)
    {
        var groups = await tables.GetAsync("Groups", ct).ConfigureAwait(false);
        var entity = await groups.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(id), Row, cancellationToken: ct).ConfigureAwait(false);
        return entity.HasValue ? ToGroup(entity.Value!) : null;
    }

    public async Task<bool> CreateGroupAsync(DirectoryGroup group, CancellationToken ct)
    {
        var groups = await tables.GetAsync("Groups", ct).ConfigureAwait(false);
        try
        {
            await groups.AddEntityAsync(FromGroup(group), ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return false;
        }
    }

    public async Task UpdateGroupAsync(DirectoryGroup group, CancellationToken ct)
    {
        var groups = await tables.GetAsync("Groups", ct).ConfigureAwait(false);
        await groups.UpdateEntityAsync(FromGroup(group), ETag.All, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<bool> DeleteGroupAsync(string id, CancellationToken ct)
    {
        if (await FindGroupByIdAsync(id, ct).ConfigureAwait(false) is null)
            return false;
        foreach (var member in await ListMembersAsync(id, ct).ConfigureAwait(false))
            await RemoveMemberAsync(member, ct).ConfigureAwait(false);
        await RemoveAllMembershipsOfAsync(MemberKind.Group, id, ct).ConfigureAwait(false);
        var groups = await tables.GetAsync("Groups", ct).ConfigureAwait(false);
        await groups.DeleteEntityAsync(TableKey.Encode(id), Row, ETag.All, ct).ConfigureAwait(false);
        return true;
    }

    public async IAsyncEnumerable<DirectoryGroup> ListGroupsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var groups = await tables.GetAsync("Groups", ct).ConfigureAwait(false);
        await foreach (var entity in groups.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return ToGroup(entity);
    }

    public async Task AddMemberAsync(GroupMember member, CancellationToken ct)
    {
        var (forward, reverse) = await MembershipTablesAsync(ct).ConfigureAwait(false);
        // Two partitions cannot share a transaction; both writes are idempotent upserts, so a retry repairs a half-done add.
        await forward.UpsertEntityAsync(new TableEntity(TableKey.Encode(member.GroupId), MemberKey(member.Kind, member.MemberId)), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        await reverse.UpsertEntityAsync(new TableEntity(MemberKey(member.Kind, member.MemberId), TableKey.Encode(member.GroupId)), TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task RemoveMemberAsync(GroupMember member, CancellationToken ct)
    {
        var (forward, reverse) = await MembershipTablesAsync(ct).ConfigureAwait(false);
        // Reverse first: lookups by member drive effective groups, so that direction must never linger.
        await reverse.DeleteEntityAsync(MemberKey(member.Kind, member.MemberId), TableKey.Encode(member.GroupId), ETag.All, ct).ConfigureAwait(false);
        await forward.DeleteEntityAsync(TableKey.Encode(member.GroupId), MemberKey(member.Kind, member.MemberId), ETag.All, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GroupMember>> ListMembersAsync(string groupId, CancellationToken ct)
    {
        var (forward, _) = await MembershipTablesAsync(ct).ConfigureAwait(false);
        var members = new List<GroupMember>();
        var partition = TableKey.Encode(groupId);
        await foreach (var entity in forward.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: ct).ConfigureAwait(false))
        {
            var (kind, id) = ParseMemberKey(entity.RowKey);
            members.Add(new GroupMember(groupId, kind, id));
        }
        return members;
    }

    public async Task<IReadOnlyList<string>> ListDirectParentGroupsAsync(MemberKind kind, string memberId, CancellationToken ct)
    {
        var (_, reverse) = await MembershipTablesAsync(ct).ConfigureAwait(false);
        var parents = new List<string>();
        var partition = MemberKey(kind, memberId);
        await foreach (var entity in reverse.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
            parents.Add(TableKey.Decode(entity.RowKey));
        return parents;
    }

    private async Task RemoveAllMembershipsOfAsync(MemberKind kind, string memberId, CancellationToken ct)
    {
        foreach (var groupId in await ListDirectParentGroupsAsync(kind, memberId, ct).ConfigureAwait(false))
            await RemoveMemberAsync(new GroupMember(groupId, kind, memberId), ct).ConfigureAwait(false);
    }

    private async Task<bool> ClaimUsernameAsync(string username, string userId, CancellationToken ct)
    {
        var index = await tables.GetAsync("UserNames", ct).ConfigureAwait(false);
        var entry = new TableEntity(TableKey.UsernameKey(username), Row) { ["UserId"] = userId };
        try
        {
            await index.AddEntityAsync(entry, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            // A stale row (its user was renamed or deleted half-way) may be reclaimed; a live owner keeps the name.
            var owner = await index.GetEntityIfExistsAsync<TableEntity>(entry.PartitionKey, Row, cancellationToken: ct).ConfigureAwait(false);
            if (!owner.HasValue)
                return false;
            var ownerId = owner.Value!.GetString("UserId") ?? "";
            if (ownerId == userId)
                return true;
            var holder = await FindUserByIdAsync(ownerId, ct).ConfigureAwait(false);
            if (holder is not null && TableKey.UsernameKey(holder.Username) == entry.PartitionKey)
                return false;
            try
            {
                await index.UpdateEntityAsync(entry, owner.Value.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException race) when (TableSet.IsPreconditionFailed(race))
            {
                return false;
            }
        }
    }

    private async Task ReleaseUsernameAsync(string username, string userId, CancellationToken ct)
    {
        var index = await tables.GetAsync("UserNames", ct).ConfigureAwait(false);
        var key = TableKey.UsernameKey(username);
        var owner = await index.GetEntityIfExistsAsync<TableEntity>(key, Row, cancellationToken: ct).ConfigureAwait(false);
        if (owner.HasValue && owner.Value!.GetString("UserId") == userId)
        {
            try
            {
                await index.DeleteEntityAsync(key, Row, owner.Value!.ETag, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e))
            {
                // someone else claimed it meanwhile
            }
        }
    }

    private async Task<(TableClient Forward, TableClient Reverse)> MembershipTablesAsync(CancellationToken ct) =>
        (await tables.GetAsync("GroupMembers", ct).ConfigureAwait(false), await tables.GetAsync("MemberOf", ct).ConfigureAwait(false));

    private static string MemberKey(MemberKind kind, string memberId) => (kind == MemberKind.Group ? "g:" : "u:") + TableKey.Encode(memberId);

    private static (MemberKind Kind, string Id) ParseMemberKey(string key) =>
        (key.StartsWith("g:", StringComparison.Ordinal) ? MemberKind.Group : MemberKind.User, TableKey.Decode(key[2..]));

    private static TableEntity FromUser(DirectoryUser u) => new(TableKey.Encode(u.Id), Row)
    {
        ["Id"] = u.Id,
        ["Username"] = u.Username,
        ["DisplayName"] = u.DisplayName,
        ["Email"] = u.Email,
        ["Phone"] = u.Phone,
        ["Enabled"] = u.Enabled,
        ["LicensedForSso"] = u.LicensedForSso,
        ["LicensedForRemoteAccess"] = u.LicensedForRemoteAccess,
        ["Domain"] = u.Domain,
        ["OrganizationalUnit"] = u.OrganizationalUnit,
        ["PasswordHash"] = u.PasswordHash,
        ["AdminRole"] = u.AdminRole.ToString(),
        ["CreatedAt"] = u.CreatedAt,
        ["CredentialsChangedAt"] = u.CredentialsChangedAt,
    };

    private static DirectoryUser ToUser(TableEntity e) => new()
    {
        Id = e.GetString("Id") ?? "",
        Username = e.GetString("Username") ?? "",
        DisplayName = e.GetString("DisplayName") ?? "",
        Email = e.GetString("Email"),
        Phone = e.GetString("Phone"),
        Enabled = e.GetBoolean("Enabled") ?? false,
        LicensedForSso = e.GetBoolean("LicensedForSso") ?? false,
        LicensedForRemoteAccess = e.GetBoolean("LicensedForRemoteAccess") ?? false,
        Domain = e.GetString("Domain") ?? DirectoryDefaults.Domain,
        OrganizationalUnit = e.GetString("OrganizationalUnit") ?? "",
        PasswordHash = e.GetString("PasswordHash"),
        // An unreadable role grants nothing (fail closed).
        AdminRole = Enum.TryParse<AdminRole>(e.GetString("AdminRole"), out var role) && Enum.IsDefined(role) ? role : AdminRole.None,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        CredentialsChangedAt = e.GetDateTimeOffset("CredentialsChangedAt") ?? default,
    };

    private static TableEntity FromGroup(DirectoryGroup g) => new(TableKey.Encode(g.Id), Row)
    {
        ["Id"] = g.Id,
        ["Name"] = g.Name,
        ["Description"] = g.Description,
        ["Domain"] = g.Domain,
        ["CreatedAt"] = g.CreatedAt,
    };

    private static DirectoryGroup ToGroup(TableEntity e) => new()
    {
        Id = e.GetString("Id") ?? "",
        Name = e.GetString("Name") ?? "",
        Description = e.GetString("Description") ?? "",
        Domain = e.GetString("Domain") ?? DirectoryDefaults.Domain,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
    };
}
