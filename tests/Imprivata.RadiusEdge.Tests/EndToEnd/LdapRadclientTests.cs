using Imprivata.Testing.Radius;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Imprivata.Testing.ServiceBus;

namespace Imprivata.RadiusEdge.Tests.EndToEnd;

/// <summary>
/// radclient through the edge for a RADIUS client whose first factor is the on-premises directory (a real slapd): the
/// backend double (over the Service Bus double) accepts only what the directory passed, and must never see a password.
/// </summary>
public sealed class LdapRadclientTests(Slapd slapd) : IClassFixture<Slapd>, IAsyncLifetime
{
    private const string Secret = "ldap-e2e-shared-secret-0123";
    private const string RequestQueue = "radius-requests", ReplyQueue = "radius-replies";
    private readonly ServiceBusDouble _namespace = new([new DoubleQueue(RequestQueue), new DoubleQueue(ReplyQueue, RequiresSession: true)]);
    private EdgeHost _edge = null!;
    private ServiceBusBackendDouble _backend = null!;

    public async Task InitializeAsync()
    {
        var profile = slapd.Profile();
        _edge = await EdgeHost.StartAsync(
            [new NasClientOptions { Name = "vpn-ldap", Type = "Test", Address = "127.0.0.1", Secret = Secret, FirstFactor = FirstFactorMode.Ldap, Ldap = "corp" }],
            TimeSpan.FromSeconds(4),
            new Dictionary<string, string?>
            {
                ["RadiusEdge:Bridge:Kind"] = "ServiceBus",
                ["RadiusEdge:Bridge:RequestQueue"] = RequestQueue,
                ["RadiusEdge:Bridge:ServiceBus:Auth"] = "Sas",
                ["RadiusEdge:Bridge:ServiceBus:ConnectionString"] = _namespace.ConnectionString,
                ["RadiusEdge:Bridge:ServiceBus:ReplyEntity"] = ReplyQueue,
                ["RadiusEdge:Ldap:corp:Url"] = profile.Url,
                ["RadiusEdge:Ldap:corp:BindDn"] = profile.BindDn,
                ["RadiusEdge:Ldap:corp:BindPassword"] = profile.BindPassword,
                ["RadiusEdge:Ldap:corp:UserSearchBase"] = profile.UserSearchBase,
                ["RadiusEdge:Ldap:corp:UserFilter"] = profile.UserFilter,
            });
        _backend = await ServiceBusBackendDouble.StartAsync(_namespace.ConnectionString, RequestQueue, _edge, (request, password) =>
            request.FirstFactor is { Mode: FirstFactorMode.Ldap, Passed: true } ff && password is null && ff.Groups!.Contains(Slapd.Staff)
                ? BackendAnswer.Of(DecisionKind.Accept, "Welcome " + request.UserName)
                : BackendAnswer.Of(DecisionKind.Reject));
    }

    private static string Pap(string user, string password) =>
        $"User-Name = \"{user}\"\nUser-Password = \"{password}\"\nMessage-Authenticator = 0x00\n";

    [Fact]
    public async Task Radclient_RightDirectoryPassword_BackendGetsPassedAndNestedGroupsButNoPassword()
    {
        var result = await Radclient.AuthAsync(_edge.Port, Secret, Pap("nemo", Slapd.NemoPassword), timeoutSeconds: 5);

        Assert.True(result.Received("Access-Accept"), result.Output);
        var (request, password) = Assert.Single(_backend.Received);
        Assert.Null(password);
        Assert.Null(request.Password);
        Assert.Equal("vpn-ldap", request.ClientName);
        Assert.Equal([Slapd.Clinicians, Slapd.Staff, Slapd.VpnUsers], request.FirstFactor!.Groups);
        Assert.DoesNotContain(Slapd.NemoPassword, await _edge.ExchangeLogAsync());
    }

    [Fact]
    public async Task Radclient_WrongDirectoryPassword_BackendGetsNotPassedAndRejects()
    {
        var result = await Radclient.AuthAsync(_edge.Port, Secret, Pap("nemo", "not-the-password"), timeoutSeconds: 5);

        Assert.True(result.Received("Access-Reject"), result.Output);
        var (request, password) = Assert.Single(_backend.Received);
        Assert.Null(password);
        Assert.Equal(FirstFactorMode.Ldap, request.FirstFactor!.Mode);
        Assert.False(request.FirstFactor.Passed);
        Assert.Null(request.FirstFactor.Groups);
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _edge.DisposeAsync();
        await _namespace.DisposeAsync();
    }
}
