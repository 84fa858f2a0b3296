using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Protocol;

/// <summary>The examples of RFC 2865 §7 (shared secret "xyzzy5461").</summary>
public class Rfc2865VectorsTests
{
    private static readonly byte[] Secret = "xyzzy5461"u8.ToArray();

    // §7.1 User Telnet to Specified Host.
    private const string AccessRequest = """
        01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
        98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d
        93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8
        01 10 05 06 00 00 00 03
        """;
    private const string AccessAccept = """
        02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
        9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00
        0e 06 c0 a8 01 03
        """;
    // §7.2 Framed User Authenticating with CHAP.
    private const string ChapRequest = """
        01 01 00 47 2a ee 86 f0 8d 0d 55 96 9c a5 97 8e
        0d 33 67 a2 01 08 66 6c 6f 70 73 79 03 13 16 e9
        75 57 c3 16 18 58 95 f2 93 ff 63 44 07 72 75 04
        06 c0 a8 01 10 05 06 00 00 00 14 06 06 00 00 00
        02 07 06 00 00 00 01
        """;
    // §7.3 Challenge-Response: the Access-Challenge.
    private const string AccessChallenge = """
        0b 02 00 4e 36 f3 c8 76 4a e8 c7 11 57 40 3c 0c
        71 ff 9c 45 12 30 43 68 61 6c 6c 65 6e 67 65 20
        33 32 37 36 39 34 33 30 2e 20 20 45 6e 74 65 72
        20 72 65 73 70 6f 6e 73 65 20 61 74 20 70 72 6f
        6d 70 74 2e 18 0a 33 32 37 36 39 34 33 30
        """;

    private static readonly ClientPolicy Rfc2865Client = new(Secret, RequireMessageAuthenticator: false);

    [Fact]
    public void Decode_Section71AccessRequest_RevealsNemoAndArctangent()
    {
        var result = AccessRequestDecoder.Decode(Hex.Parse(AccessRequest), Rfc2865Client);

        Assert.True(result.IsSuccess, RadiusFailures.Code(result.Failure));
        Assert.Equal("nemo", result.Value.UserName);
        Assert.Equal("arctangent", Encoding.UTF8.GetString(result.Value.Password!));
        Assert.Equal(0, result.Value.Packet.Identifier);
    }

    [Fact]
    public void Compute_Section71AccessAccept_GivesTheRfcResponseAuthenticator()
    {
        var request = Hex.Parse(AccessRequest);
        var accept = Hex.Parse(AccessAccept);

        var authenticator = ResponseAuthenticator.Compute(accept, request.AsSpan(4, 16), Secret);

        Assert.Equal("86fe220e7624ba2a1005f6bf9b55e0b2", Convert.ToHexStringLower(authenticator));
        Assert.True(ResponseAuthenticator.Verify(accept, request.AsSpan(4, 16), Secret));
    }

    [Fact]
    public void Verify_Section71AcceptWithOtherSecret_Fails()
    {
        var request = Hex.Parse(AccessRequest);

        Assert.False(ResponseAuthenticator.Verify(Hex.Parse(AccessAccept), request.AsSpan(4, 16), "xyzzy5462"u8));
    }

    [Fact]
    public void Hide_Arctangent_GivesTheSection71UserPassword()
    {
        var request = Hex.Parse(AccessRequest);

        var hidden = UserPassword.Hide("arctangent"u8, Secret, request.AsSpan(4, 16));

        Assert.Equal("0dbe708d93d413ce3196e43f782a0aee", Convert.ToHexStringLower(hidden));
    }

    [Fact]
    public void Decode_Section72ChapRequest_IsRejectedAsChapUnsupported()
    {
        var result = AccessRequestDecoder.Decode(Hex.Parse(ChapRequest), Rfc2865Client);

        Assert.False(result.IsSuccess);
        Assert.Equal(RadiusFailure.ChapUnsupported, result.Failure);
        Assert.Equal(RadiusFailureAction.Reject, RadiusFailures.Action(result.Failure));
    }

    [Fact]
    public void ReadThenWrite_Section73AccessChallenge_RoundTripsByteForByte()
    {
        var bytes = Hex.Parse(AccessChallenge);

        var packet = PacketReader.Read(bytes).Value;

        Assert.Equal(RadiusCode.AccessChallenge, packet.Code);
        Assert.Equal("Challenge 32769430.  Enter response at prompt.", packet.FindString(RadiusAttributeType.ReplyMessage));
        Assert.Equal("32769430", packet.FindString(RadiusAttributeType.State));
        Assert.Equal(bytes, PacketWriter.Write(packet));
    }
}
