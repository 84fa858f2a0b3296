namespace Imprivata.Core.UserDirectory;

/// <summary>
/// The groups a user belongs to, directly or through nested groups. Walks parent links breadth first; a visited set
/// makes cycles harmless and <see cref="MaxDepth"/> bounds the cost of a pathological hierarchy.
/// </summary>
public sealed class GroupMembership(IDirectoryStore store)
{
    public const int MaxDepth = 16;

    public Task<IReadOnlySet<string>> EffectiveGroupsOfUserAsync(string userId, CancellationToken ct) =>
        AncestorsAsync(MemberKind.User, userId, ct);

    /// <summary>The groups that contain this group, directly or transitively.</summary>
    public Task<IReadOnlySet<string>> EffectiveGroupsOfGroupAsync(string groupId, CancellationToken ct) =>
        AncestorsAsync(MemberKind.Group, groupId, ct);

    private async Task<IReadOnlySet<string>> AncestorsAsync(MemberKind kind, string memberId, CancellationToken ct)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var frontier = await store.ListDirectParentGroupsAsync(kind, memberId, ct).ConfigureAwait(false);
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<string>();
            foreach (var groupId in frontier)
            {
                if (!found.Add(groupId))
                    continue;
                next.AddRange(await store.ListDirectParentGroupsAsync(MemberKind.Group, groupId, ct).ConfigureAwait(false));
            }
            frontier = next;
        }
        return found;
    }
}
