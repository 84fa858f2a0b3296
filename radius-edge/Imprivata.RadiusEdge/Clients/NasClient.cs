using System.Net;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>A usable RADIUS client: a network it sends from, and the policy the codec applies to its requests.</summary>
public sealed record NasClient(string Name, string Type, IPNetwork Network, ClientPolicy Policy)
{
    // The secret is deliberately left out of the generated ToString (it is never logged).
    public override string ToString() => $"{Name} ({Type}, {Network})";
}
