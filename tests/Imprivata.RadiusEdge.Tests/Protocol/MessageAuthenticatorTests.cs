using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Protocol;

public class MessageAuthenticatorTests
{
    private static readonly byte[] Secret = "message-authenticator-secret"u8.ToArray();

    private static RadiusPacket Signed(byte[] secret)
    {
        var auth = new byte[16];
        auth[0] = 9;
        var attributes = new[]
        {
            RadiusAttribute.FromString(RadiusAttributeType.UserName, "nemo"),
            new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[16]),
        };
        var raw = PacketWriter.Write(RadiusCode.AccessRequest, 3, auth, attributes);
        MessageAuthenticator.Compute(raw, 20 + 6 + 2, auth, secret).CopyTo(raw, 28);
        return PacketReader.Read(raw).Value;
    }

    [Fact]
    public void VerifyRequest_RightSecret_Succeeds()
    {
        Assert.Equal(RadiusFailure.None, MessageAuthenticator.VerifyRequest(Signed(Secret), Secret));
    }

    [Fact]
    public void VerifyRequest_WrongSecret_IsInvalid()
    {
        Assert.Equal(RadiusFailure.MessageAuthenticatorInvalid, MessageAuthenticator.VerifyRequest(Signed("other-secret"u8.ToArray()), Secret));
    }

    [Fact]
    public void Verify_WrongMessageAuthenticator_DropsBeforeAnyPasswordCheck()
    {
        // A bad MA from a client that does not require it is still a silent discard (RFC 3579 §3.2).
        var packet = Signed("other-secret"u8.ToArray());

        Assert.Equal(RadiusFailure.MessageAuthenticatorInvalid,
            RequestVerifier.Verify(packet, new ClientPolicy(Secret, RequireMessageAuthenticator: false)));
    }
}
