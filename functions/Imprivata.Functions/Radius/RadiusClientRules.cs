using Imprivata.Core.Radius;
using Imprivata.RadiusEdge.Protocol.Dictionary;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Whether a client profile may be saved: its own rules (<see cref="RadiusClientProfile.Problems"/>) and every group attribute
/// checked against the edge's dictionary (the names and value forms the edge can encode; vendor-specific ones included), as
/// the console must check before it stores one. Attributes the edge owns in a reply are refused.
/// </summary>
public sealed class RadiusClientRules
{
    // The edge sets these itself (RFC 3579 3.2, RFC 2865 5.33) or never sends them in a reply.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Message-Authenticator", "Proxy-State", "State", "Reply-Message", "EAP-Message", "User-Password", "CHAP-Password", "User-Name",
    };

    private readonly RadiusDictionary _dictionary = RadiusDictionary.Default;

    /// <summary>Stable codes; empty when the profile may be saved. Attribute problems read "attribute_invalid:&lt;name&gt;".</summary>
    public IReadOnlyList<string> Problems(RadiusClientProfile profile)
    {
        var problems = profile.Problems().ToList();
        foreach (var attribute in profile.GroupAttributes.SelectMany(r => r.Attributes))
        {
            if (!Allows(attribute))
                problems.Add("attribute_invalid:" + attribute.Name);
        }
        return problems;
    }

    /// <summary>Whether the edge can send this attribute in an Access-Accept: in its dictionary, the value in its form, not its own.</summary>
    public bool Allows(RadiusReplyAttribute attribute) =>
        !Reserved.Contains(attribute.Name) && _dictionary.TryEncode(attribute.Name, attribute.Value, out _, out _);
}
