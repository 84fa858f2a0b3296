using System.DirectoryServices.Protocols;

namespace Imprivata.RadiusEdge.Ldap;

/// <summary>The user's groups, nested ones included, as the profile says to find them.</summary>
internal static class GroupResolver
{
    public static IReadOnlyList<string> Resolve(LdapConnection service, LdapProfileOptions profile, SearchResultEntry user)
    {
        var direct = Values(user, profile.GroupAttribute);
        return profile.NestedGroups switch
        {
            NestedGroupLookup.InChain => InChain(service, profile, user.DistinguishedName),
            NestedGroupLookup.Walk => Walk(service, profile, direct),
            _ => direct.Order(StringComparer.OrdinalIgnoreCase).ToList(),
        };
    }

    private static List<string> InChain(LdapConnection service, LdapProfileOptions profile, string userDn)
    {
        var search = new SearchRequest(profile.GroupSearchBase ?? profile.UserSearchBase, LdapFilter.GroupsInChain(userDn),
            SearchScope.Subtree, "1.1" /* RFC 4511 §4.5.1.8: no attributes */);
        var response = (SearchResponse)service.SendRequest(search, profile.Timeout);
        return response.Entries.Cast<SearchResultEntry>().Select(e => e.DistinguishedName).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Breadth first over each group's own group attribute; cycles and depth are bounded.</summary>
    private static List<string> Walk(LdapConnection service, LdapProfileOptions profile, List<string> direct)
    {
        var seen = new HashSet<string>(direct, StringComparer.OrdinalIgnoreCase);
        var level = direct;
        for (var depth = 1; depth < profile.MaxNestingDepth && level.Count > 0; depth++)
        {
            var next = new List<string>();
            foreach (var group in level)
            {
                var read = new SearchRequest(group, "(objectClass=*)", SearchScope.Base, profile.GroupAttribute);
                SearchResponse response;
                try
                {
                    response = (SearchResponse)service.SendRequest(read, profile.Timeout);
                }
                catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.InsufficientAccessRights)
                {
                    continue; // a group the service account cannot read (or one that went away) adds nothing
                }
                foreach (SearchResultEntry entry in response.Entries)
                    next.AddRange(Values(entry, profile.GroupAttribute).Where(seen.Add));
            }
            level = next;
        }
        return seen.Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static List<string> Values(SearchResultEntry entry, string attribute)
    {
        var values = entry.Attributes[attribute];
        return values is null ? [] : values.GetValues(typeof(string)).Cast<string>().ToList();
    }
}
