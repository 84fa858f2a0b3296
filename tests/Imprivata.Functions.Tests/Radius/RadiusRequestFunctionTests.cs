using Azure.Storage.Queues;
using Imprivata.Core.Audit;
using Imprivata.Functions.Radius;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>The queue adapter: unreadable messages end on the poison queue, audited; nothing is answered for them.</summary>
public sealed class RadiusRequestFunctionTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    [Fact]
    public async Task Message_NotARequest_RetriedThenPoisonedAndAudited()
    {
        var queue = new QueueClient(Azurite.ConnectionString, world.Backend.RequestQueue);
        await queue.SendMessageAsync(Convert.ToBase64String("{\"version\":2,\"type\":\"radius.authenticate\"}"u8.ToArray()));

        var poison = new QueueClient(Azurite.ConnectionString, world.Backend.RequestQueue + "-poison");
        await RadiusDecisionsTests.WaitForAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1, 60);
        Assert.Contains(await world.AuditAsync(AuditKinds.RadiusIgnored), e => e.Reason == "version_unsupported");
    }

    [Theory]
    [InlineData("not base64 at all %%%", "not_json")]
    [InlineData("{\"version\":1,\"type\":\"radius.decision\"}", "type_unexpected")]
    [InlineData("{\"version\":1,\"type\":\"radius.authenticate\",\"requestId\":\"r1\",\"edgeId\":\"../../x\"}", "edge_id_invalid")]
    [InlineData("{\"version\":1,\"type\":\"radius.authenticate\",\"requestId\":\"r1\",\"edgeId\":\"e\",\"nas\":{\"name\":\"vpn\",\"type\":\"Other\",\"sourceAddress\":\"nope\"}}", "nas_invalid")]
    [InlineData("{\"version\":1,\"type\":\"radius.authenticate\",\"requestId\":\"r1\",\"edgeId\":\"e\",\"nas\":{\"name\":\"vpn\",\"type\":\"Other\",\"sourceAddress\":\"10.0.0.1\"},\"userName\":\"u\",\"state\":\"@@\"}", "state_invalid")]
    [InlineData("{\"version\":1,\"type\":\"radius.authenticate\",\"requestId\":\"r1\",\"edgeId\":\"e\",\"nas\":{\"name\":\"vpn\",\"type\":\"Other\",\"sourceAddress\":\"10.0.0.1\"},\"userName\":\"u\",\"firstFactor\":{\"mode\":\"kerberos\",\"passed\":true}}", "first_factor_invalid")]
    [InlineData("{\"version\":1,\"type\":\"radius.authenticate\",\"requestId\":\"r1\",\"edgeId\":\"e\",\"nas\":{\"name\":\"vpn\",\"type\":\"Other\",\"sourceAddress\":\"10.0.0.1\"},\"userName\":\"u\",\"radius\":{\"identifier\":300,\"authenticator\":\"00\"}}", "radius_ids_invalid")]
    public void Read_MalformedOrForeign_NullWithTheReason(string text, string reason)
    {
        Assert.Null(RadiusMessages.Read(text, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Read_Base64OrPlainJson_TheSameRequestWithItsAdditions()
    {
        const string json = "{\"version\":1,\"type\":\"radius.authenticate\",\"requestId\":\"0123abcd\",\"edgeId\":\"site-a\",\"receivedAt\":\"2026-03-01T08:00:00Z\"," +
            "\"deadline\":\"2026-03-01T08:00:35Z\",\"nas\":{\"name\":\"vpn-1\",\"type\":\"Cisco ASA\",\"sourceAddress\":\"::ffff:10.0.0.5\"},\"userName\":\"nemo\"," +
            "\"radius\":{\"identifier\":17,\"authenticator\":\"00112233445566778899aabbccddeeff\"},\"firstFactor\":{\"mode\":\"ldap\",\"passed\":true,\"groups\":[\"CN=VPN\"]},\"clientName\":\"vpn-main\"}";

        var plain = RadiusMessages.Read(json, out _)!;
        var encoded = RadiusMessages.Read(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)), out _)!;

        Assert.Equal(plain with { FirstFactor = null }, encoded with { FirstFactor = null });
        Assert.Equal(("10.0.0.5", "vpn-main", Core.Radius.FirstFactorMode.Ldap, 17), (plain.NasAddress, plain.Client, plain.Mode, plain.Radius!.Identifier));
        Assert.Equal(["CN=VPN"], plain.FirstFactor!.Groups);
    }
}
