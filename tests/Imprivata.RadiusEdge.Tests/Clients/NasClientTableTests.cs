using System.Net;
using Imprivata.RadiusEdge.Clients;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imprivata.RadiusEdge.Tests.Clients;

public class NasClientTableTests
{
    private const string Secret = "a-secret-of-22-chars-x";

    private static NasClientOptions Client(string name, string address, string secret = Secret) =>
        new() { Name = name, Address = address, Secret = secret };

    [Fact]
    public void Find_AddressInsideCidr_GivesTheMostSpecificClient()
    {
        var table = NasClientTable.Build([Client("wide", "10.0.0.0/8"), Client("narrow", "10.1.2.0/24")], NullLogger.Instance);

        Assert.Equal("narrow", table.Find(IPAddress.Parse("10.1.2.3"))!.Name);
        Assert.Equal("wide", table.Find(IPAddress.Parse("10.9.9.9"))!.Name);
        Assert.Null(table.Find(IPAddress.Parse("192.168.0.1")));
    }

    [Fact]
    public void Find_Ipv4MappedSource_MatchesIpv4Client()
    {
        var table = NasClientTable.Build([Client("vpn", "192.0.2.10")], NullLogger.Instance);

        Assert.NotNull(table.Find(IPAddress.Parse("192.0.2.10").MapToIPv6()));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(65)]
    public void Build_SecretOutside22To64_RefusesTheClient(int length)
    {
        var table = NasClientTable.Build([Client("vpn", "192.0.2.10", new string('s', length))], NullLogger.Instance);

        Assert.Null(table.Find(IPAddress.Parse("192.0.2.10")));
    }

    [Fact]
    public void Build_Hostname_IsResolved()
    {
        var table = NasClientTable.Build([Client("local", "localhost")], NullLogger.Instance);

        Assert.NotNull(table.Find(IPAddress.Loopback));
    }

    [Fact]
    public void Build_NewClient_RequiresMessageAuthenticatorAndLimitsProxyStateByDefault()
    {
        var policy = NasClientTable.Build([Client("vpn", "192.0.2.10")], NullLogger.Instance).Find(IPAddress.Parse("192.0.2.10"))!.Policy;

        Assert.True(policy.RequireMessageAuthenticator);
        Assert.True(policy.LimitProxyState);
    }

    [Fact]
    public void Generate_Secret_Is32AcceptableCharacters()
    {
        var secret = NasSecret.Generate();

        Assert.Equal(32, secret.Length);
        Assert.True(NasSecret.IsAcceptable(secret));
        Assert.NotEqual(secret, NasSecret.Generate());
    }

    [Fact]
    public void ToString_Client_NeverContainsTheSecret()
    {
        var client = NasClientTable.Build([Client("vpn", "192.0.2.10")], NullLogger.Instance).Find(IPAddress.Parse("192.0.2.10"))!;

        Assert.DoesNotContain(Secret, client.ToString());
    }
}
