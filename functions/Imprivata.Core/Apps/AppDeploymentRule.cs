using Imprivata.Core.UserDirectory;

namespace Imprivata.Core.Apps;

/// <summary>
/// Is an app profile deployed to a user? The reference product's Deploy dialog: not deployed -> nobody; "all users and
/// groups" -> everybody; otherwise the checked domains scope the choice, and within them either every user (no OUs,
/// groups or users picked: "For all users in this domain") or only the picked OUs (and below), groups (also nested) and users.
/// </summary>
public sealed class AppDeploymentRule(GroupMembership membership)
{
    public async Task<bool> IsDeployedToAsync(AppDeployment deployment, DirectoryUser user, CancellationToken ct)
    {
        if (!deployment.Deployed)
            return false;
        if (deployment.AllUsersAndGroups)
            return true;
        if (deployment.Domains.Count > 0 && !deployment.Domains.Contains(user.Domain, StringComparer.OrdinalIgnoreCase))
            return false;
        var picksTargets = deployment.OrganizationalUnits.Count > 0 || deployment.GroupIds.Count > 0 || deployment.UserIds.Count > 0;
        if (!picksTargets)
            return deployment.Domains.Count > 0;
        if (deployment.UserIds.Contains(user.Id, StringComparer.Ordinal))
            return true;
        if (deployment.OrganizationalUnits.Any(ou => OrganizationalUnits.Contains(ou, user.OrganizationalUnit)))
            return true;
        if (deployment.GroupIds.Count == 0)
            return false;
        var groups = await membership.EffectiveGroupsOfUserAsync(user.Id, ct).ConfigureAwait(false);
        return deployment.GroupIds.Any(groups.Contains);
    }
}
