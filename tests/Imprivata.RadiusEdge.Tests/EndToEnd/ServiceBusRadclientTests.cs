using Imprivata.Testing.Radius;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Imprivata.Testing.ServiceBus;

namespace Imprivata.RadiusEdge.Tests.EndToEnd;

/// <summary>radclient against the edge with the Service Bus bridge (the SDK, against the Service Bus double) and a backend double on the SDK.</summary>
public class ServiceBusRadclientTests
{
    private const string Secret = "servicebus-e2e-secret-0123456789";
    private const string RequestQueue = "radius-requests";
    private const string ReplyQueue = "radius-replies";

    private static Dictionary<string, string?> ServiceBusSettings(ServiceBusDouble ns, TimeSpan sendTimeout) => new()
    {
        ["RadiusEdge:Bridge:Kind"] = "ServiceBus",
        ["RadiusEdge:Bridge:RequestQueue"] = RequestQueue,
        ["RadiusEdge:Bridge:ServiceBus:Auth"] = "Sas",
        ["RadiusEdge:Bridge:ServiceBus:ConnectionString"] = ns.ConnectionString,
        ["RadiusEdge:Bridge:ServiceBus:ReplyEntity"] = ReplyQueue,
        ["RadiusEdge:BridgeSendTimeout"] = sendTimeout.ToString(),
    };

    [Fact]
    public async Task Radclient_OverServiceBus_GetsTheBackendsAccept()
    {
        await using var ns = new ServiceBusDouble([new DoubleQueue(RequestQueue), new DoubleQueue(ReplyQueue, RequiresSession: true)]);
        await using var edge = await EdgeHost.StartAsync([EdgeFixture.Client("127.0.0.1", Secret)], TimeSpan.FromSeconds(10),
            ServiceBusSettings(ns, TimeSpan.FromSeconds(5)));
        await using var backend = await ServiceBusBackendDouble.StartAsync(ns.ConnectionString, RequestQueue, edge,
            (_, password) => BackendAnswer.Of(password == "jacks password" ? DecisionKind.Accept : DecisionKind.Reject, "Welcome jack"));

        var result = await Radclient.AuthAsync(edge.Port, Secret,
            "User-Name = \"jack\"\nUser-Password = \"jacks password\"\nMessage-Authenticator = 0x00\n", timeoutSeconds: 5);

        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.Contains("Welcome jack", result.Output);
    }

    [Fact]
    public async Task Radclient_BridgeSendTimesOutButLands_RetransmissionsMakeOneBridgeMessageAndTheLateDecisionIsAnswered()
    {
        await using var ns = new ServiceBusDouble([new DoubleQueue(RequestQueue), new DoubleQueue(ReplyQueue, RequiresSession: true)]);
        await using var edge = await EdgeHost.StartAsync([EdgeFixture.Client("127.0.0.1", Secret)], TimeSpan.FromSeconds(15),
            ServiceBusSettings(ns, TimeSpan.FromMilliseconds(500)));
        await using var backend = await ServiceBusBackendDouble.StartAsync(ns.ConnectionString, RequestQueue, edge,
            (_, _) => BackendAnswer.Of(DecisionKind.Accept, "Welcome ivy", delay: TimeSpan.FromSeconds(3)));
        // Stored at once, acknowledged after 2 s: every send of this edge times out (500 ms) and lands all the same.
        ns.AcceptDelay = TimeSpan.FromSeconds(2);

        // Timeout 1 s, 8 tries: the NAS retransmits the same packet while the first send is unacknowledged and after it.
        var result = await Radclient.AuthAsync(edge.Port, Secret,
            "User-Name = \"ivy\"\nUser-Password = \"ivys password\"\nMessage-Authenticator = 0x00\n", timeoutSeconds: 1, retries: 8);

        Assert.True(result.Received("Access-Accept"), result.Output);
        var sent = Assert.Single(ns.Received(RequestQueue));
        Assert.Equal(1, backend.CountFor("ivy"));
        var forwarded = Assert.Single(backend.Received).Request;
        Assert.Equal(sent.MessageId, forwarded.RequestId);
        Assert.Equal(32, forwarded.Radius!.Authenticator.Length);
        Assert.Contains("reason=duplicate_in_progress", await edge.ExchangeLogAsync());
    }
}
