namespace Imprivata.RadiusEdge.Protocol;

/// <summary>An authentic Access-Request (or Status-Server) ready for policy: the packet and its revealed PAP password.</summary>
public sealed record DecodedRequest(RadiusPacket Packet, string? UserName, byte[]? Password)
{
    public bool IsStatusServer => Packet.Code == RadiusCode.StatusServer;
    public ReadOnlyMemory<byte>? State => Packet.Find(RadiusAttributeType.State)?.Value;
}

/// <summary>
/// The codec's request pipeline, in order: read (wire format) -> verify (authenticity, per-client rules) ->
/// require PAP -> reveal the password. The first failure is returned; <see cref="RadiusFailures.Action"/> says whether to
/// drop or reject.
/// </summary>
public static class AccessRequestDecoder
{
    public static RadiusResult<DecodedRequest> Decode(ReadOnlySpan<byte> datagram, ClientPolicy client)
    {
        var read = PacketReader.Read(datagram);
        if (!read.IsSuccess)
            return read.Failure;
        var packet = read.Value;

        var verified = RequestVerifier.Verify(packet, client);
        if (verified != RadiusFailure.None)
            return verified;

        var userName = packet.FindString(RadiusAttributeType.UserName);
        if (packet.Code == RadiusCode.StatusServer)
            return RadiusResult<DecodedRequest>.Success(new DecodedRequest(packet, userName, null));

        var method = CredentialRules.RequirePap(packet);
        if (method != RadiusFailure.None)
            return method;

        var hidden = packet.Find(RadiusAttributeType.UserPassword)!.Value.Value;
        var password = UserPassword.Unhide(hidden.Span, client.Secret, packet.Authenticator.Span);
        if (!password.IsSuccess)
            return password.Failure;
        return RadiusResult<DecodedRequest>.Success(new DecodedRequest(packet, userName, password.Value));
    }
}
