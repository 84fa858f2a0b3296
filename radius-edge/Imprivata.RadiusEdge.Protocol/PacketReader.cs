using System.Buffers.Binary;

namespace Imprivata.RadiusEdge.Protocol;

/// <summary>
/// Decodes one datagram. Work and memory are bounded by <see cref="RadiusPacket.MaxLength"/>: the packet is copied once
/// (at most 4096 octets) and every attribute consumes at least two octets, so the loop always ends.
/// </summary>
public static class PacketReader
{
    public static RadiusResult<RadiusPacket> Read(ReadOnlySpan<byte> datagram)
    {
        // RFC 2865 §3: "The minimum length is 20"; shorter datagrams are silently discarded.
        if (datagram.Length < RadiusPacket.HeaderLength)
            return RadiusFailure.DatagramTooShort;

        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        // RFC 2865 §3: Length outside 20..4096 is invalid.
        if (length < RadiusPacket.HeaderLength)
            return RadiusFailure.LengthTooSmall;
        if (length > RadiusPacket.MaxLength)
            return RadiusFailure.LengthTooLarge;
        // RFC 2865 §3: "If the packet is shorter than the Length field indicates, it MUST be silently discarded."
        if (length > datagram.Length)
            return RadiusFailure.LengthExceedsDatagram;
        // RFC 2865 §3: unknown codes are silently discarded.
        if (!RadiusCodes.IsKnown(datagram[0]))
            return RadiusFailure.UnknownCode;

        // RFC 2865 §3: "Octets outside the range of the Length field MUST be treated as padding and ignored."
        var raw = datagram[..length].ToArray();
        var attributes = ReadAttributes(raw);
        if (!attributes.IsSuccess)
            return attributes.Failure;

        return RadiusResult<RadiusPacket>.Success(new RadiusPacket(
            (RadiusCode)raw[0], raw[1], raw.AsMemory(4, RadiusPacket.AuthenticatorLength), attributes.Value, raw));
    }

    private static RadiusResult<IReadOnlyList<RadiusAttribute>> ReadAttributes(byte[] raw)
    {
        var list = new List<RadiusAttribute>();
        var offset = RadiusPacket.HeaderLength;
        while (offset < raw.Length)
        {
            // RFC 2865 §5: type and length octets must both be present.
            if (raw.Length - offset < 2)
                return RadiusFailure.AttributeHeaderOverflow;
            var attrLength = raw[offset + 1];
            // RFC 2865 §5: Length covers type and length; below 2 would never advance (infinite loop).
            if (attrLength < 2)
                return RadiusFailure.AttributeLengthTooSmall;
            if (offset + attrLength > raw.Length)
                return RadiusFailure.AttributeOverflow;
            list.Add(new RadiusAttribute(raw[offset], raw.AsMemory(offset + 2, attrLength - 2)));
            offset += attrLength;
        }
        return RadiusResult<IReadOnlyList<RadiusAttribute>>.Success(list);
    }
}
