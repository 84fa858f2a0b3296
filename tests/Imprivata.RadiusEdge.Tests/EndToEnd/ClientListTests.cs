using Imprivata.Testing.Radius;
using Imprivata.RadiusEdge.Tests.Infrastructure;

namespace Imprivata.RadiusEdge.Tests.EndToEnd;

/// <summary>The client list: unknown sources are dropped and logged in the vendor's words; edits apply without a restart.</summary>
public class ClientListTests
{
    private const string Secret = "client-list-secret-0123456789";

    [Fact]
    public async Task Radclient_UnknownNas_GetsNoAnswerAndIsLoggedThenReloadAdmitsIt()
    {
        await using var edge = await EdgeHost.StartAsync([EdgeFixture.Client("10.255.255.1", Secret)]);
        await using var backend = new BackendDouble(edge, (_, _) => BackendAnswer.Of(Imprivata.RadiusEdge.Contract.DecisionKind.Accept));
        const string request = "User-Name = \"ivan\"\nUser-Password = \"ivans password\"\nMessage-Authenticator = 0x00\n";

        var unknown = await Radclient.AuthAsync(edge.Port, Secret, request, timeoutSeconds: 2);

        Assert.True(unknown.NoReply, unknown.Output);
        Assert.Contains("Source IP address 127.0.0.1 does not have a NAS entry", await edge.ExchangeLogAsync());
        Assert.Empty(backend.Received);

        EdgeHost.WriteClients(edge.ClientsFile, [EdgeFixture.Client("127.0.0.0/8", Secret)]);
        Radclient.Result? known = null;
        for (var attempt = 0; attempt < 10 && known?.Received("Access-Accept") != true; attempt++)
            known = await Radclient.AuthAsync(edge.Port, Secret, request, timeoutSeconds: 1);

        Assert.True(known!.Received("Access-Accept"), known.Output);
    }
}
