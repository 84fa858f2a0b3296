namespace Imprivata.RadiusEdge.Protocol;

/// <summary>
/// Encodes Access-Accept / Access-Reject / Access-Challenge with Message-Authenticator as the FIRST attribute
/// (BlastRADIUS, CVE-2024-3596: a forged prefix cannot precede it), computed before the Response Authenticator (RFC 3579 §3.2).
/// </summary>
public static class ReplyEncoder
{
    public static byte[] Encode(RadiusCode code, byte identifier, ReadOnlySpan<byte> requestAuthenticator,
        IEnumerable<RadiusAttribute> attributes, ReadOnlySpan<byte> secret)
    {
        var list = new List<RadiusAttribute> { new(RadiusAttributeType.MessageAuthenticator, new byte[MessageAuthenticator.ValueLength]) };
        // Any Message-Authenticator supplied by the caller is replaced by ours.
        list.AddRange(attributes.Where(a => a.Type != RadiusAttributeType.MessageAuthenticator));
        var packet = PacketWriter.Write(code, identifier, requestAuthenticator, list);

        const int maOffset = RadiusPacket.HeaderLength + 2;
        var ma = MessageAuthenticator.Compute(packet, maOffset, requestAuthenticator, secret);
        ma.CopyTo(packet.AsSpan(maOffset));
        ResponseAuthenticator.Compute(packet, requestAuthenticator, secret).CopyTo(packet.AsSpan(4));
        return packet;
    }
}
