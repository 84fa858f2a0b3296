using System.Buffers.Binary;

namespace Imprivata.RadiusEdge.Protocol;

/// <summary>Serialises header and attributes as given (no authenticator computation): the inverse of <see cref="PacketReader"/>.</summary>
public static class PacketWriter
{
    public static byte[] Write(RadiusCode code, byte identifier, ReadOnlySpan<byte> authenticator, IEnumerable<RadiusAttribute> attributes)
    {
        if (authenticator.Length != RadiusPacket.AuthenticatorLength)
            throw new ArgumentException("An authenticator is 16 octets.", nameof(authenticator));
        var list = attributes as IReadOnlyCollection<RadiusAttribute> ?? attributes.ToList();
        var length = RadiusPacket.HeaderLength;
        foreach (var a in list)
        {
            if (a.Value.Length > 253)
                throw new ArgumentException($"Attribute {a.Type} value is longer than 253 octets.", nameof(attributes));
            length += a.WireLength;
        }
        if (length > RadiusPacket.MaxLength)
            throw new ArgumentException("Packet would exceed 4096 octets.", nameof(attributes));

        var buffer = new byte[length];
        buffer[0] = (byte)code;
        buffer[1] = identifier;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)length);
        authenticator.CopyTo(buffer.AsSpan(4));
        var offset = RadiusPacket.HeaderLength;
        foreach (var a in list)
        {
            buffer[offset] = a.Type;
            buffer[offset + 1] = (byte)a.WireLength;
            a.Value.Span.CopyTo(buffer.AsSpan(offset + 2));
            offset += a.WireLength;
        }
        return buffer;
    }

    public static byte[] Write(RadiusPacket packet) =>
        Write(packet.Code, packet.Identifier, packet.Authenticator.Span, packet.Attributes);
}
