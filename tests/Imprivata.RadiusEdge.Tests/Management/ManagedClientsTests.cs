using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Ldap;
using Imprivata.RadiusEdge.Management;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imprivata.RadiusEdge.Tests.Management;

/// <summary>The console's client list in the edge's model: what is served, and what is refused rather than guessed.</summary>
public class ManagedClientsTests
{
    private const string Secret = "console-secret-0123456789ab", Previous = "previous-secret-0123456789a";
    private static readonly Dictionary<string, LdapProfileOptions> Ldap = new() { ["corp"] = new LdapProfileOptions() };

    private static List<Imprivata.RadiusEdge.Clients.NasClientOptions> Map(params ManagedRadiusClient[] clients) =>
        ManagedClients.ToOptions(new EdgeConfig("v1", clients), Ldap, NullLogger.Instance);

    [Fact]
    public void ToOptions_OneEntryPerAddress_WithBothSecretsAndTheSwitches()
    {
        var entries = Map(new ManagedRadiusClient("vpn-1", "Cisco ASA", ["10.0.0.0/28", "10.0.1.5"], [Secret, Previous],
            RequireMessageAuthenticator: false, LimitProxyState: true, FirstFactor: "ldap", LdapProfile: "corp"));

        Assert.Equal(["10.0.0.0/28", "10.0.1.5"], entries.Select(e => e.Address));
        Assert.All(entries, e =>
        {
            Assert.Equal(("vpn-1", "Cisco ASA", Secret, Previous), (e.Name, e.Type, e.Secret, e.PreviousSecret));
            Assert.False(e.RequireMessageAuthenticator);
            Assert.True(e.LimitProxyState);
            Assert.Equal((FirstFactorMode.Ldap, "corp"), (e.FirstFactor, e.Ldap));
        });
    }

    [Theory]
    [InlineData("directory", FirstFactorMode.Directory)]
    [InlineData("none", FirstFactorMode.None)]
    [InlineData(null, FirstFactorMode.Directory)]
    public void ToOptions_FirstFactorModes_Map(string? text, FirstFactorMode expected) =>
        Assert.Equal(expected, Assert.Single(Map(new ManagedRadiusClient("vpn", null, ["10.0.0.1"], [Secret], FirstFactor: text))).FirstFactor);

    [Fact]
    public void ToOptions_DisabledUnknownModeUnknownProfileNoSecretOrAddress_AreLeftOut()
    {
        var entries = Map(
            new ManagedRadiusClient("disabled", null, ["10.0.0.1"], [Secret], Enabled: false),
            new ManagedRadiusClient("unknown-mode", null, ["10.0.0.2"], [Secret], FirstFactor: "kerberos"),
            new ManagedRadiusClient("numeric-mode", null, ["10.0.0.2"], [Secret], FirstFactor: "7"),
            new ManagedRadiusClient("unknown-profile", null, ["10.0.0.3"], [Secret], FirstFactor: "ldap", LdapProfile: "elsewhere"),
            new ManagedRadiusClient("no-secret", null, ["10.0.0.4"], []),
            new ManagedRadiusClient("no-address", null, [], [Secret]),
            new ManagedRadiusClient("kept", null, ["10.0.0.5"], [Secret]));

        Assert.Equal("kept", Assert.Single(entries).Name);
    }

    [Fact]
    public void Build_TwoSecrets_GiveTheClientASecondPolicy()
    {
        var table = ManagedClients.Build(new EdgeConfig("v1", [new ManagedRadiusClient("vpn", null, ["10.0.0.1"], [Secret, Previous])]),
            Ldap, NullLogger.Instance);

        var client = table.Find(System.Net.IPAddress.Parse("10.0.0.1"))!;
        Assert.Equal(Previous, System.Text.Encoding.UTF8.GetString(client.SecondPolicy!.Secret));
        Assert.Equal(1, table.ClientCount);
    }
}
