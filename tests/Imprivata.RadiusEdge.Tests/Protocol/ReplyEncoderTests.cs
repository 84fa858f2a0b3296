using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Protocol;

public class ReplyEncoderTests
{
    private static readonly byte[] Secret = "reply-encoder-shared-secret"u8.ToArray();
    private static readonly byte[] RequestAuthenticator = Enumerable.Range(0, 16).Select(i => (byte)(i * 7)).ToArray();

    private static byte[] Encode(params RadiusAttribute[] attributes) =>
        ReplyEncoder.Encode(RadiusCode.AccessChallenge, 42, RequestAuthenticator, attributes, Secret);

    [Fact]
    public void Encode_AnyReply_PutsMessageAuthenticatorFirst()
    {
        var reply = Encode(RadiusAttribute.FromString(RadiusAttributeType.ReplyMessage, "Enter code"));

        var packet = PacketReader.Read(reply).Value;
        Assert.Equal(RadiusAttributeType.MessageAuthenticator, packet.Attributes[0].Type);
        Assert.Equal(1, packet.Count(RadiusAttributeType.MessageAuthenticator));
    }

    [Fact]
    public void Encode_CallerSuppliedMessageAuthenticator_IsReplacedNotDuplicated()
    {
        var reply = Encode(new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[16]));

        Assert.Equal(1, PacketReader.Read(reply).Value.Count(RadiusAttributeType.MessageAuthenticator));
    }

    [Fact]
    public void Encode_MessageAuthenticator_IsHmacOverRequestAuthenticatorBeforeResponseAuthenticator()
    {
        var reply = Encode(new RadiusAttribute(RadiusAttributeType.State, new byte[] { 1, 2, 3 }));

        // RFC 3579 §3.2: computed with the Request Authenticator in the header and the MA value zeroed.
        var copy = reply.ToArray();
        RequestAuthenticator.CopyTo(copy, 4);
        Array.Clear(copy, 22, 16);
        Assert.Equal(System.Security.Cryptography.HMACMD5.HashData(Secret, copy), reply[22..38]);
    }

    [Fact]
    public void Encode_ResponseAuthenticator_VerifiesAgainstRequest()
    {
        var reply = Encode();

        Assert.True(ResponseAuthenticator.Verify(reply, RequestAuthenticator, Secret));
        Assert.False(ResponseAuthenticator.Verify(reply, new byte[16], Secret));
    }
}
