using System.Text;

namespace Imprivata.RadiusEdge.Ldap;

/// <summary>Builds search filters from untrusted values.</summary>
public static class LdapFilter
{
    /// <summary>
    /// RFC 4515 §3: in an assertion value, <c>*</c>, <c>(</c>, <c>)</c>, <c>\</c> and NUL are written as <c>\2a</c>,
    /// <c>\28</c>, <c>\29</c>, <c>\5c</c> and <c>\00</c>, so a User-Name can never add a wildcard or a clause.
    /// </summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '*' => escaped.Append(@"\2a"),
                '(' => escaped.Append(@"\28"),
                ')' => escaped.Append(@"\29"),
                '\\' => escaped.Append(@"\5c"),
                '\0' => escaped.Append(@"\00"),
                _ => escaped.Append(c),
            };
        }
        return escaped.ToString();
    }

    /// <summary>The profile's filter with <c>{0}</c> replaced by the escaped value (only <c>{0}</c>: braces elsewhere stay).</summary>
    public static string Format(string template, string value) => template.Replace("{0}", Escape(value), StringComparison.Ordinal);

    /// <summary>Active Directory: every group that has the DN as a member at any depth (LDAP_MATCHING_RULE_IN_CHAIN).</summary>
    public static string GroupsInChain(string memberDn) => $"(member:1.2.840.113556.1.4.1941:={Escape(memberDn)})";
}
