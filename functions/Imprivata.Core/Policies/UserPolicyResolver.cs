using Imprivata.Core.UserDirectory;

namespace Imprivata.Core.Policies;

/// <summary>Finds the one user policy a user belongs to: the first in order whose members include them, else the default.</summary>
public sealed class UserPolicyResolver(IPolicyStore store, GroupMembership membership)
{
    public async Task<UserPolicy> ResolveAsync(DirectoryUser user, CancellationToken ct)
    {
        var policies = await store.ListUserPoliciesAsync(ct).ConfigureAwait(false);
        IReadOnlySet<string>? groups = null;
        foreach (var policy in policies)
        {
            if (policy.IsDefault || policy.Members.IsEmpty)
                continue;
            var m = policy.Members;
            if (m.UserIds.Contains(user.Id, StringComparer.Ordinal)
                || m.Domains.Contains(user.Domain, StringComparer.OrdinalIgnoreCase)
                || m.OrganizationalUnits.Any(ou => OrganizationalUnits.Contains(ou, user.OrganizationalUnit)))
                return policy;
            if (m.GroupIds.Count == 0)
                continue;
            // Group nesting costs table reads: walk it once per resolution, only when a policy names groups.
            groups ??= await membership.EffectiveGroupsOfUserAsync(user.Id, ct).ConfigureAwait(false);
            if (m.GroupIds.Any(groups.Contains))
                return policy;
        }
        return policies.FirstOrDefault(p => p.IsDefault) ?? UserPolicy.Default;
    }
}
