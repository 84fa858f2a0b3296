using System.Text.Json;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Tests.Contract;

public class BridgeMessagesTests
{
    private static AuthenticateRequest Request(FirstFactor? firstFactor) => new()
    {
        RequestId = "0123456789abcdef0123456789abcdef",
        EdgeId = "site-a",
        ReceivedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Deadline = new DateTimeOffset(2026, 1, 2, 3, 4, 40, TimeSpan.Zero),
        Nas = new BridgeNas("vpn-1", "Cisco ASA", "10.0.0.5"),
        ClientName = "vpn-1",
        Radius = new RadiusExchange(17, "00112233445566778899aabbccddeeff"),
        FirstFactor = firstFactor,
        UserName = "nemo",
    };

    [Fact]
    public void Authenticate_LdapFirstFactor_RoundTripsWithTheContractsNames()
    {
        var request = Request(new FirstFactor { Mode = FirstFactorMode.Ldap, Passed = true, Groups = ["CN=VPN Users,OU=Groups,DC=corp"] });

        var json = JsonSerializer.Serialize(request, BridgeContract.Json);
        var back = JsonSerializer.Deserialize<AuthenticateRequest>(json, BridgeContract.Json)!;

        Assert.Contains("\"radius\":{\"identifier\":17,\"authenticator\":\"00112233445566778899aabbccddeeff\"}", json);
        Assert.Contains("\"firstFactor\":{\"mode\":\"ldap\",\"passed\":true,\"groups\":[\"CN=VPN Users,OU=Groups,DC=corp\"]}", json);
        Assert.Contains("\"clientName\":\"vpn-1\"", json);
        Assert.DoesNotContain("\"password\"", json);
        Assert.Equal(request.Radius, back.Radius);
        Assert.Equal((FirstFactorMode.Ldap, true), (back.FirstFactor!.Mode, back.FirstFactor.Passed));
        Assert.Equal(request.FirstFactor!.Groups, back.FirstFactor.Groups);
        Assert.Equal("vpn-1", back.ClientName);
    }

    [Fact]
    public void Authenticate_NoneFirstFactor_LeavesPassedAndGroupsOut()
    {
        var json = JsonSerializer.Serialize(Request(new FirstFactor { Mode = FirstFactorMode.None }), BridgeContract.Json);

        Assert.Contains("\"firstFactor\":{\"mode\":\"none\"}", json);
    }

    [Fact]
    public void Authenticate_FromAnOlderEdge_ReadsWithoutTheNewFields()
    {
        const string json = """
            {"version":1,"type":"radius.authenticate","requestId":"r","edgeId":"site-a","receivedAt":"2026-01-02T03:04:05Z",
             "deadline":"2026-01-02T03:04:40Z","nas":{"name":"vpn-1","type":"Other","sourceAddress":"10.0.0.5"},"userName":"nemo"}
            """;

        var request = JsonSerializer.Deserialize<AuthenticateRequest>(json, BridgeContract.Json)!;

        Assert.Null(request.Radius);
        Assert.Null(request.FirstFactor);
        Assert.Null(request.ClientName);
    }
}
