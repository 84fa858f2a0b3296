using System.Net;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>
/// A usable RADIUS client: a network it sends from, the policy the codec applies to its requests, and who checks the
/// password (with the LDAP profile when the edge does). <see cref="SecondPolicy"/> holds the second active shared secret
/// while it is rotated; once a request verified, <see cref="Policy"/> is the one it verified with.
/// </summary>
public sealed record NasClient(string Name, string Type, IPNetwork Network, ClientPolicy Policy,
    FirstFactorMode FirstFactor = FirstFactorMode.Directory, string? LdapProfile = null, ClientPolicy? SecondPolicy = null)
{
    // The secret is deliberately left out of the generated ToString (it is never logged).
    public override string ToString() => $"{Name} ({Type}, {Network})";
}
