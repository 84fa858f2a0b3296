using System.Buffers.Binary;
using System.Net;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>
/// RFC 5080 §2.2.2: a duplicate has the same source IP, source port, Identifier and Request Authenticator.
/// Another port or another authenticator is a new request.
/// </summary>
public readonly record struct RequestKey(IPAddress Address, int Port, byte Identifier, UInt128 Authenticator)
{
    public static RequestKey Of(IPEndPoint source, RadiusPacket packet) =>
        new(source.Address, source.Port, packet.Identifier, BinaryPrimitives.ReadUInt128BigEndian(packet.Authenticator.Span));
}
