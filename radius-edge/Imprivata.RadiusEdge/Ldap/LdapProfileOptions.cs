namespace Imprivata.RadiusEdge.Ldap;

/// <summary>How groups nested in groups are found.</summary>
public enum NestedGroupLookup
{
    /// <summary>Active Directory's LDAP_MATCHING_RULE_IN_CHAIN (1.2.840.113556.1.4.1941): one search, all levels.</summary>
    InChain,
    /// <summary>Reads the group attribute of each group in turn, up to <see cref="LdapProfileOptions.MaxNestingDepth"/> levels (any directory with memberOf).</summary>
    Walk,
    /// <summary>Only the groups the user is a direct member of.</summary>
    None,
}

/// <summary>What the NAS sees when the directory cannot be reached.</summary>
public enum DirectoryUnavailable
{
    /// <summary>No answer: the NAS retries and fails over to another RADIUS server (RFC 2865 §2).</summary>
    NoAnswer,
    /// <summary>Access-Reject.</summary>
    Reject,
}

/// <summary>
/// One on-premises directory (section <c>RadiusEdge:Ldap:&lt;name&gt;</c>), for RADIUS clients with <c>FirstFactor: Ldap</c>:
/// the service account finds the user, the user's own bind checks the password, and the service account reads the groups.
/// </summary>
public sealed class LdapProfileOptions
{
    /// <summary><c>ldaps://dc.corp.example:636</c>, or <c>ldap://...:389</c> with <see cref="StartTls"/> (plain LDAP only to a loopback host).</summary>
    public string? Url { get; set; }
    public bool StartTls { get; set; }

    /// <summary>Directory of PEM CA certificates that sign the directory's certificate; the system's trust when unset.</summary>
    public string? CaCertificatesDirectory { get; set; }

    /// <summary>The service account that searches (its password inline or in a file; never logged).</summary>
    public string? BindDn { get; set; }
    public string? BindPassword { get; set; }
    public string? BindPasswordFile { get; set; }

    public string? UserSearchBase { get; set; }
    /// <summary>The user search; <c>{0}</c> is the RADIUS User-Name, escaped per RFC 4515.</summary>
    public string UserFilter { get; set; } = "(&(objectClass=user)(sAMAccountName={0}))";
    public string GroupAttribute { get; set; } = "memberOf";
    /// <summary>Where <see cref="NestedGroupLookup.InChain"/> searches for groups; <see cref="UserSearchBase"/> when unset.</summary>
    public string? GroupSearchBase { get; set; }
    public NestedGroupLookup NestedGroups { get; set; } = NestedGroupLookup.Walk;
    public int MaxNestingDepth { get; set; } = 8;

    /// <summary>Bound on each directory operation (connect, bind, search).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
    public DirectoryUnavailable WhenUnavailable { get; set; } = DirectoryUnavailable.NoAnswer;
}
