using Imprivata.Core.Radius;

namespace Imprivata.Functions.Admin.RemoteAccess;

/// <summary>
/// The administrator's edit of the Add / Edit RADIUS client form (or the JSON API's body), before it is checked. The NAS
/// addresses are one entry per line as typed, blank lines included, so that an error names the line the administrator sees.
/// </summary>
public sealed record RadiusClientFields
{
    public string Name { get; init; } = "";
    public string Type { get; init; } = RadiusClientTypes.Other;
    public string Description { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<string> NasAddresses { get; init; } = [];
    public string FirstFactor { get; init; } = "directory";
    public string? LdapProfile { get; init; }
    public int PushTimeoutSeconds { get; init; } = (int)RadiusClientProfile.DefaultPushTimeout.TotalSeconds;
    public bool Challenges { get; init; } = true;
    public bool NonLicensedAccess { get; init; }
    public bool RequireMessageAuthenticator { get; init; } = true;
    public bool LimitProxyState { get; init; } = true;
    public IReadOnlyList<GroupRuleInput> GroupAttributes { get; init; } = [];
    /// <summary>What could not be read as a field at all (a group attribute line that is not a rule): refused and audited first.</summary>
    public FieldError? Unreadable { get; init; }
    /// <summary>Create only: a typed shared secret, or null/empty to have one generated.</summary>
    public string? Secret { get; init; }
}

/// <summary>
/// One group attribute rule as entered: <paramref name="Group"/> is "*", a directory group's name, or an LDAP group DN;
/// <paramref name="Line"/> is where it stands (the form's line, or the API list's position, 1-based).
/// </summary>
public sealed record GroupRuleInput(string Group, IReadOnlyList<RadiusReplyAttribute> Attributes, int Line);

/// <summary>The gateway makes the console offers (the profile's <see cref="RadiusClientProfile.Type"/>).</summary>
public static class RadiusClientTypes
{
    public const string Other = "Other";
    public static readonly IReadOnlyList<string> All =
        ["Cisco ASA", "Fortinet FortiGate", "Palo Alto GlobalProtect", "Citrix Gateway", "Pulse/Ivanti", Other];
}

/// <summary>
/// The group attributes text area: one rule per line, <c>&lt;group or *&gt;: Name=value; Name=value</c>. The group part
/// ends at the first ':' (group names and DNs hold '=' and ',' but no colon).
/// </summary>
public static class GroupRuleLines
{
    /// <summary>The rules, or the first line that does not read as one (1-based, blank lines counted).</summary>
    public static IReadOnlyList<GroupRuleInput> Parse(IReadOnlyList<string> lines, out int? badLine)
    {
        badLine = null;
        var rules = new List<GroupRuleInput>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                badLine = i + 1;
                return [];
            }
            var attributes = new List<RadiusReplyAttribute>();
            foreach (var pair in line[(colon + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    badLine = i + 1;
                    return [];
                }
                attributes.Add(new RadiusReplyAttribute(pair[..equals].Trim(), pair[(equals + 1)..].Trim()));
            }
            if (attributes.Count == 0)
            {
                badLine = i + 1;
                return [];
            }
            rules.Add(new GroupRuleInput(line[..colon].Trim(), attributes, i + 1));
        }
        return rules;
    }

    /// <summary>The saved rules as the text area shows them, groups by name where the directory knows them.</summary>
    public static string Format(IReadOnlyList<RadiusGroupAttributes> rules, IReadOnlyDictionary<string, string> groupNames) =>
        string.Join("\n", rules.Select(r =>
            $"{groupNames.GetValueOrDefault(r.Group, r.Group)}: {string.Join("; ", r.Attributes.Select(a => a.Name + "=" + a.Value))}"));
}
