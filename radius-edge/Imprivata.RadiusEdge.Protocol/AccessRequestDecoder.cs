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
/// drop or reject. A server checks for duplicates between <see cref="ReadAndVerify"/> (every failure there is a silent
/// discard) and <see cref="Reveal"/>, so that a retransmission is authenticated but its password is never revealed again.
/// </summary>
public static class AccessRequestDecoder
{
    public static RadiusResult<DecodedRequest> Decode(ReadOnlySpan<byte> datagram, ClientPolicy client)
    {
        var verified = ReadAndVerify(datagram, client);
        return verified.IsSuccess ? Reveal(verified.Value, client) : verified.Failure;
    }

    /// <summary>Wire format and authenticity: every failure here is a silent discard.</summary>
    public static RadiusResult<RadiusPacket> ReadAndVerify(ReadOnlySpan<byte> datagram, ClientPolicy client)
    {
        var read = PacketReader.Read(datagram);
        if (!read.IsSuccess)
            return read.Failure;
        var verified = RequestVerifier.Verify(read.Value, client);
        return verified == RadiusFailure.None ? read : verified;
    }

    /// <summary>
    /// As above for a client with two active shared secrets (rotation): a request whose Message-Authenticator does not verify
    /// with the first is tried with the second. Without a Message-Authenticator nothing tells the secrets apart, so the first
    /// one is used. <paramref name="verifiedWith"/> is the policy to reveal the password and sign the reply with.
    /// </summary>
    public static RadiusResult<RadiusPacket> ReadAndVerify(ReadOnlySpan<byte> datagram, ClientPolicy first, ClientPolicy? second,
        out ClientPolicy verifiedWith)
    {
        verifiedWith = first;
        var read = PacketReader.Read(datagram);
        if (!read.IsSuccess)
            return read.Failure;
        var verified = RequestVerifier.Verify(read.Value, first);
        if (verified == RadiusFailure.MessageAuthenticatorInvalid && second is not null && RequestVerifier.Verify(read.Value, second) == RadiusFailure.None)
        {
            verifiedWith = second;
            return read;
        }
        return verified == RadiusFailure.None ? read : verified;
    }

    /// <summary>For a verified packet: the PAP requirement, then the password revealed (the caller wipes it).</summary>
    public static RadiusResult<DecodedRequest> Reveal(RadiusPacket packet, ClientPolicy client)
    {
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
