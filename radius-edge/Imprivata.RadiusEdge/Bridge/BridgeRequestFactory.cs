using System.Net;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Bridge;

/// <summary>Turns a verified Access-Request into the contract's "authenticate this request" message.</summary>
public sealed class BridgeRequestFactory(PasswordSealer sealer, RadiusDictionary dictionary, IOptions<EdgeOptions> options)
{
    // Attributes the backend's policy may use; nothing else of the request leaves the edge.
    private static readonly HashSet<byte> Forwarded =
    [
        RadiusAttributeType.NasIpAddress, RadiusAttributeType.NasPort, 6 /* Service-Type */, 7 /* Framed-Protocol */,
        RadiusAttributeType.CalledStationId, RadiusAttributeType.CallingStationId, RadiusAttributeType.NasIdentifier,
        RadiusAttributeType.NasPortType, 87 /* NAS-Port-Id */, RadiusAttributeType.NasIpv6Address,
    ];

    /// <summary>False while a connected edge has no key to seal passwords to (none configured, none fetched yet).</summary>
    public bool CanSeal => sealer.HasKey;

    public AuthenticateRequest Create(string requestId, DecodedRequest request, NasClient client, IPEndPoint source,
        DateTimeOffset receivedAt, DateTimeOffset deadline, FirstFactorResult firstFactor) => new()
    {
        RequestId = requestId,
        EdgeId = options.Value.EdgeId,
        ReceivedAt = receivedAt,
        Deadline = deadline,
        Nas = new BridgeNas(client.Name, client.Type, source.Address.ToString()),
        ClientName = client.Name,
        Radius = new RadiusExchange(request.Packet.Identifier, Convert.ToHexStringLower(request.Packet.Authenticator.Span)),
        FirstFactor = firstFactor.Applied,
        UserName = request.UserName,
        // The password leaves the edge only when the backend is the one to check it (or it answers the backend's challenge).
        Password = request.Password is null || !firstFactor.SendPassword ? null : sealer.Seal(request.Password, requestId),
        State = request.State is { } state ? Convert.ToBase64String(state.Span) : null,
        Attributes = request.Packet.Attributes
            .Where(a => Forwarded.Contains(a.Type))
            .Select(a => dictionary.Describe(a))
            .Select(d => new BridgeAttribute(d.Name, d.Value))
            .ToList(),
    };
}
