using Imprivata.Testing.Radius;
using System.Net;
using System.Net.Sockets;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Tests.Infrastructure;

namespace Imprivata.RadiusEdge.Tests.EndToEnd;

/// <summary>
/// FreeRADIUS radclient against the real edge, with the backend double answering over Azurite queues.
/// radclient verifies every reply it reports as "Received" (Response Authenticator and Message-Authenticator).
/// </summary>
public class RadclientTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    private const string Secret = EdgeFixture.Secret;
    private EdgeHost Edge => fixture.Edge;

    private static string Pap(string user, string password, bool messageAuthenticator = true, string extra = "") =>
        $"User-Name = \"{user}\"\nUser-Password = \"{password}\"\nNAS-Identifier = \"vpn-test\"\n" +
        (messageAuthenticator ? "Message-Authenticator = 0x00\n" : "") + extra;

    [Fact]
    public async Task Radclient_RightPassword_GetsVerifiedAcceptWithAttributes()
    {
        var result = await Radclient.AuthAsync(Edge.Port, Secret, Pap("alice", EdgeFixture.AlicePassword));

        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.Contains("Reply-Message = \"Welcome alice\"", result.Output);
        Assert.Contains("Session-Timeout = 3600", result.Output);
        Assert.Contains("Cisco-AVPair = \"shell:priv-lvl=1\"", result.Output);
        var log = await Edge.ExchangeLogAsync();
        Assert.DoesNotContain(EdgeFixture.AlicePassword, log);
        Assert.DoesNotContain(Secret, log);
        Assert.Contains("SEND Access-Accept", log);
    }

    [Fact]
    public async Task Radclient_WrongPassword_GetsVerifiedReject()
    {
        var result = await Radclient.AuthAsync(Edge.Port, Secret, Pap("alice", "wrong password"));

        Assert.True(result.Received("Access-Reject"), result.Output);
        Assert.Contains("Reply-Message = \"Access denied\"", result.Output);
    }

    [Fact]
    public async Task Radclient_ChallengeThenResponseWithState_GetsAccept()
    {
        var challenge = await Radclient.AuthAsync(Edge.Port, Secret, Pap("carol", "carols password"));

        Assert.True(challenge.Received("Access-Challenge"), challenge.Output);
        Assert.Contains("Reply-Message = \"Enter the 6-digit code\"", challenge.Output);
        var stateHex = "0x" + Convert.ToHexStringLower(EdgeFixture.ChallengeState);
        Assert.Contains("State = " + stateHex, challenge.Output);

        var response = await Radclient.AuthAsync(Edge.Port, Secret, Pap("carol", "123456", extra: $"State = {stateHex}\n"));

        Assert.True(response.Received("Access-Accept"), response.Output);
        Assert.Contains("Welcome carol", response.Output);
    }

    [Fact]
    public async Task Radclient_NoDecisionBeforeDeadline_GetsNoAnswer()
    {
        var result = await Radclient.AuthAsync(Edge.Port, Secret, Pap("dave", "daves password"), timeoutSeconds: 7, retries: 1);

        Assert.True(result.NoReply, result.Output);
        Assert.Equal(1, fixture.Backend.CountFor("dave"));
        Assert.Contains("reason=deadline_expired", await Edge.ExchangeLogAsync());
    }

    [Fact]
    public async Task Radclient_RetransmissionsWhilePending_ProduceExactlyOneBridgeMessage()
    {
        // Timeout 1 s, 3 tries: the NAS retransmits twice before the 2.5 s decision arrives.
        var result = await Radclient.AuthAsync(Edge.Port, Secret, Pap("erin", "erins password"), timeoutSeconds: 1, retries: 3);

        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.Equal(1, fixture.Backend.CountFor("erin"));
        Assert.Contains("reason=duplicate_in_progress", await Edge.ExchangeLogAsync());
    }

    [Fact]
    public async Task Radclient_WrongSecret_GetsNoAnswerAndNothingReachesBackend()
    {
        var result = await Radclient.AuthAsync(Edge.Port, "not-the-shared-secret-at-all", Pap("frank", "franks password"), timeoutSeconds: 2);

        Assert.True(result.NoReply, result.Output);
        Assert.Equal(0, fixture.Backend.CountFor("frank"));
        Assert.Contains("reason=message_authenticator_invalid", await Edge.ExchangeLogAsync());
    }

    [Fact]
    public async Task Radclient_MissingMessageAuthenticatorFromRequiringClient_GetsNoAnswer()
    {
        var result = await Radclient.AuthAsync(Edge.Port, Secret, Pap("grace", "graces password", messageAuthenticator: false), timeoutSeconds: 2);

        Assert.True(result.NoReply, result.Output);
        Assert.Equal(0, fixture.Backend.CountFor("grace"));
        Assert.Contains("reason=message_authenticator_missing", await Edge.ExchangeLogAsync());
    }

    [Fact]
    public async Task Radclient_StatusServer_GetsVerifiedAccept()
    {
        var result = await Radclient.AuthAsync(Edge.Port, Secret, "Message-Authenticator = 0x00\n", command: "status");

        Assert.True(result.Received("Access-Accept"), result.Output);
    }

    [Fact]
    public async Task Radclient_Chap_GetsVerifiedRejectWithoutReachingBackend()
    {
        var result = await Radclient.AuthAsync(Edge.Port, Secret,
            "User-Name = \"heidi\"\nCHAP-Password = \"heidis password\"\nMessage-Authenticator = 0x00\n");

        Assert.True(result.Received("Access-Reject"), result.Output);
        Assert.Equal(0, fixture.Backend.CountFor("heidi"));
        Assert.Contains("reason=chap_unsupported", await Edge.ExchangeLogAsync());
    }

    [Fact]
    public async Task Retransmission_AfterReply_GetsTheCachedReplyByteForByte()
    {
        var request = TestRequests.AccessRequest(Secret, 77, "alice", EdgeFixture.AlicePassword,
            extra: new RadiusAttribute(RadiusAttributeType.ProxyState, "proxy-42"u8.ToArray()));
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var edge = new IPEndPoint(IPAddress.Loopback, Edge.Port);

        await udp.SendAsync(request, edge);
        var first = await ReceiveAsync(udp);
        var before = fixture.Backend.CountFor("alice");
        await udp.SendAsync(request, edge);
        var second = await ReceiveAsync(udp);

        Assert.Equal(first, second);
        Assert.Equal(before, fixture.Backend.CountFor("alice"));
        var reply = PacketReader.Read(first).Value;
        Assert.Equal(RadiusCode.AccessAccept, reply.Code);
        Assert.Equal(RadiusAttributeType.MessageAuthenticator, reply.Attributes[0].Type);
        Assert.Equal("proxy-42", reply.FindString(RadiusAttributeType.ProxyState));
        Assert.True(ResponseAuthenticator.Verify(first, request.AsSpan(4, 16), System.Text.Encoding.UTF8.GetBytes(Secret)));
    }

    [Fact]
    public async Task Health_RunningEdge_ReportsListenerBridgeAndPending()
    {
        using var http = new HttpClient();

        var response = await http.GetAsync($"http://127.0.0.1:{Edge.HealthPort}/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"listening\":true", body);
        Assert.Contains("\"connected\":true", body);
        Assert.Contains("\"pending\":", body);
    }

    private static async Task<byte[]> ReceiveAsync(UdpClient udp)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await udp.ReceiveAsync(cts.Token)).Buffer;
    }
}
