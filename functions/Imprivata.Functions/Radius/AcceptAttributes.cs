using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Radius;

/// <summary>
/// The attributes an Access-Accept carries for this user at this client: the first of the client's group rules whose group
/// holds the user, directly or through nested groups (the built-in directory's groups, walked here; the LDAP groups the edge
/// resolved), or the "*" rule. Nothing when no rule matches.
/// </summary>
public sealed class AcceptAttributes(GroupMembership membership)
{
    public async Task<IReadOnlyList<RadiusReplyAttribute>> ForAsync(RadiusClientProfile client, DirectoryUser? user, IReadOnlyList<string> ldapGroups,
        CancellationToken ct)
    {
        if (client.GroupAttributes.Count == 0)
            return [];
        // The walk costs table reads: only when a rule names a group the LDAP list does not settle.
        IReadOnlySet<string>? groups = null;
        foreach (var rule in client.GroupAttributes)
        {
            if (rule.Group == RadiusGroupAttributes.Everyone || ldapGroups.Contains(rule.Group, StringComparer.OrdinalIgnoreCase))
                return rule.Attributes;
            if (user is null)
                continue;
            groups ??= await membership.EffectiveGroupsOfUserAsync(user.Id, ct).ConfigureAwait(false);
            if (groups.Contains(rule.Group))
                return rule.Attributes;
        }
        return [];
    }
}
