namespace Imprivata.Core.UserDirectory;

/// <summary>Persistence of users, groups and memberships. Behaviour (nesting, rules) lives in services.</summary>
public interface IDirectoryStore
{
    Task<DirectoryUser?> FindUserByIdAsync(string id, CancellationToken ct);

    /// <summary>
    /// The user as this instance read or wrote it at most a few seconds ago, else a fresh read. Only for checks that repeat one
    /// made moments earlier in the same sign-in (a code's redemption after its authorize): another instance's change (disable,
    /// password reset) is seen within those seconds, this instance's own changes at once.
    /// </summary>
    Task<DirectoryUser?> FindRecentUserByIdAsync(string id, CancellationToken ct) => FindUserByIdAsync(id, ct);
    /// <summary>Case-insensitive lookup by username.</summary>
    Task<DirectoryUser?> FindUserByUsernameAsync(string username, CancellationToken ct);
    /// <summary>Inserts; returns false when the username is already taken.</summary>
    Task<bool> CreateUserAsync(DirectoryUser user, CancellationToken ct);
    /// <summary>Replaces the user; returns false when the user is gone or a rename collides with a taken username.</summary>
    Task<bool> UpdateUserAsync(DirectoryUser user, CancellationToken ct);
    Task<bool> DeleteUserAsync(string id, CancellationToken ct);
    IAsyncEnumerable<DirectoryUser> ListUsersAsync(CancellationToken ct);

    Task<DirectoryGroup?> FindGroupByIdAsync(string id, CancellationToken ct);
    Task<bool> CreateGroupAsync(DirectoryGroup group, CancellationToken ct);
    Task UpdateGroupAsync(DirectoryGroup group, CancellationToken ct);
    Task<bool> DeleteGroupAsync(string id, CancellationToken ct);
    IAsyncEnumerable<DirectoryGroup> ListGroupsAsync(CancellationToken ct);

    Task AddMemberAsync(GroupMember member, CancellationToken ct);
    Task RemoveMemberAsync(GroupMember member, CancellationToken ct);
    Task<IReadOnlyList<GroupMember>> ListMembersAsync(string groupId, CancellationToken ct);
    /// <summary>Groups that directly contain this user or group.</summary>
    Task<IReadOnlyList<string>> ListDirectParentGroupsAsync(MemberKind kind, string memberId, CancellationToken ct);
}
