using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.RadiusEdge.Bridge.ServiceBus;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Bridge.ServiceBus;

public class ServiceBusBridgeTests
{
    private const string EdgeId = "edge-a";
    private const string SasName = "edge-send-listen";
    private const string SasKey = "c2FzLWtleS1mb3ItdGhlLXVuaXQtdGVzdA+/=";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private EdgeOptions Options(ServiceBusPeer peer, ServiceBusAuth auth, string sasKey = SasKey) => new()
    {
        EdgeId = EdgeId,
        Bridge = new BridgeOptions
        {
            Kind = "ServiceBus",
            RequestQueue = ServiceBusPeer.RequestEntity,
            ServiceBus = new ServiceBusOptions
            {
                FullyQualifiedNamespace = ServiceBusPeer.Namespace,
                Endpoint = peer.Endpoint,
                ReplyEntity = ServiceBusPeer.ReplyEntity,
                Auth = auth,
                SasKeyName = SasName,
                SasKey = sasKey,
                ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
                OperationTimeout = TimeSpan.FromSeconds(5),
            },
        },
    };

    private ServiceBusBridge Bridge(EdgeOptions options, TimeProvider? time = null, IssuingCredential? credential = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), time ?? _time, NullLogger<ServiceBusBridge>.Instance, credential);

    private AuthenticateRequest Request(string requestId) => new()
    {
        RequestId = requestId,
        EdgeId = EdgeId,
        ReceivedAt = _time.GetUtcNow(),
        Deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(35),
        Nas = new BridgeNas("vpn-1", "Cisco ASA", "10.0.0.5"),
        UserName = "nemo",
    };

    private static byte[] DecisionJson(string requestId, DecisionKind kind = DecisionKind.Accept, string edgeId = EdgeId) =>
        JsonSerializer.SerializeToUtf8Bytes(new Decision { RequestId = requestId, EdgeId = edgeId, Kind = kind }, BridgeContract.Json);

    /// <summary>Polls an I/O outcome with an upper bound (the peer runs on other threads).</summary>
    private static async Task Eventually(Func<bool> condition, string what, int milliseconds = 5_000)
    {
        var until = Environment.TickCount64 + milliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > until)
                Assert.Fail("Timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>Runs the bridge's receive loop into a list, as the BridgeService would into the DecisionHandler.</summary>
    private static (ConcurrentQueue<Decision> Seen, Task Loop, CancellationTokenSource Stop) Receive(ServiceBusBridge bridge)
    {
        var seen = new ConcurrentQueue<Decision>();
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            try
            {
                await bridge.ReceiveAsync((d, _) => { seen.Enqueue(d); return Task.CompletedTask; }, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });
        return (seen, loop, stop);
    }

    [Fact]
    public async Task Send_Request_CarriesRequestIdReplyEntityEdgeSessionTtlAndJson()
    {
        await using var peer = new ServiceBusPeer(sas: (SasName, SasKey));
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Sas));
        await bridge.StartAsync(default);

        await bridge.SendAsync(Request("0123456789abcdef0123456789abcdef"), default);

        await Eventually(() => !peer.Requests.IsEmpty, "the request at the peer");
        var sent = Assert.Single(peer.Requests);
        Assert.Equal("0123456789abcdef0123456789abcdef", sent.MessageId);
        Assert.Equal(ServiceBusPeer.ReplyEntity, sent.ReplyTo);
        Assert.Equal(EdgeId, sent.ReplyToGroupId);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal(35_000u, sent.Ttl);
        var body = JsonSerializer.Deserialize<AuthenticateRequest>(sent.Body!, BridgeContract.Json)!;
        Assert.Equal(("0123456789abcdef0123456789abcdef", EdgeId, "nemo"), (body.RequestId, body.EdgeId, body.UserName));
        Assert.True(bridge.Status.Connected);
    }

    [Fact]
    public async Task Receive_DecisionInOwnSession_IsMatchedToItsPendingRequestAndCompleted()
    {
        await using var peer = new ServiceBusPeer(sas: (SasName, SasKey));
        var options = Options(peer, ServiceBusAuth.Sas);
        await using var bridge = Bridge(options);
        var (handler, pending, sender) = DecisionHandlerWithPending(options, "r-own");
        await bridge.StartAsync(default);
        using var stop = new CancellationTokenSource();
        var loop = bridge.ReceiveAsync(handler.HandleAsync, stop.Token);

        peer.PublishReply(EdgeId, "m-own", DecisionJson("r-own"));

        await Eventually(() => !sender.Sent.IsEmpty, "the RADIUS reply");
        Assert.Equal(RadiusCode.AccessAccept, (RadiusCode)Assert.Single(sender.Sent)[0]);
        Assert.Equal(0, pending.Count);
        await Eventually(() => !peer.Settlements.IsEmpty, "the settlement");
        Assert.Equal(("m-own", "Accepted"), (Assert.Single(peer.Settlements).MessageId, peer.Settlements.Single().Outcome));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task Receive_DecisionInAnotherEdgesSession_IsNeverSeen()
    {
        await using var peer = new ServiceBusPeer(sas: (SasName, SasKey));
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Sas));
        await bridge.StartAsync(default);
        var (seen, loop, stop) = Receive(bridge);

        peer.PublishReply("edge-b", "m-other", DecisionJson("r-other", edgeId: "edge-b"));
        peer.PublishReply(EdgeId, "m-own", DecisionJson("r-own"));

        await Eventually(() => !seen.IsEmpty, "the own decision");
        Assert.Equal("r-own", Assert.Single(seen).RequestId);
        Assert.Equal(1, peer.UndeliveredIn("edge-b"));
        Assert.DoesNotContain(peer.Settlements, s => s.MessageId == "m-other");
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Receive_MalformedReply_IsRejectedWithReasonAndReceiverKeepsGoing()
    {
        await using var peer = new ServiceBusPeer(sas: (SasName, SasKey));
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Sas));
        await bridge.StartAsync(default);
        var (seen, loop, stop) = Receive(bridge);

        peer.PublishReply(EdgeId, "m-bad", "{\"requestId\": not json"u8.ToArray());
        peer.PublishReply(EdgeId, "m-unknown-kind", Encoding.UTF8.GetBytes(
            """{"version":1,"type":"radius.decision","requestId":"r","edgeId":"edge-a","kind":"maybe"}"""));
        peer.PublishReply(EdgeId, "m-good", DecisionJson("r-good"));

        await Eventually(() => peer.Settlements.Count == 3, "three settlements");
        Assert.Equal("r-good", Assert.Single(seen).RequestId);
        var bad = peer.Settlements.Single(s => s.MessageId == "m-bad");
        Assert.Equal(("Rejected", "amqp:decode-error"), (bad.Outcome, bad.Condition));
        Assert.False(string.IsNullOrEmpty(bad.Description));
        Assert.Equal("Rejected", peer.Settlements.Single(s => s.MessageId == "m-unknown-kind").Outcome);
        Assert.Equal("Accepted", peer.Settlements.Single(s => s.MessageId == "m-good").Outcome);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Start_Entra_PutsJwtOnCbsForBothEntitiesThenAttaches()
    {
        var credential = new IssuingCredential(_time, TimeSpan.FromHours(1));
        await using var peer = new ServiceBusPeer(validToken: credential.Validates);
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Entra), credential: credential);

        await bridge.StartAsync(default);

        var token = Assert.Single(credential.Issued);
        Assert.Equal(
            [ServiceBusPeer.Audience(ServiceBusPeer.ReplyEntity), ServiceBusPeer.Audience(ServiceBusPeer.RequestEntity)],
            peer.PutTokens.Select(p => p.Name).Order().ToArray());
        Assert.All(peer.PutTokens, p => Assert.Equal(("jwt", token, true), (p.Type, p.Token, p.Accepted)));
        Assert.Equal(_time.GetUtcNow().AddHours(1).UtcDateTime, peer.PutTokens.First().Expiration);
        Assert.Equal(2, peer.AttachedEntities.Count);
        await bridge.SendAsync(Request("r-entra"), default);
        await Eventually(() => !peer.Requests.IsEmpty, "the request at the peer");
    }

    [Fact]
    public async Task Start_Entra_TokenTheBrokerRefuses_FailsBeforeAnyEntityLink()
    {
        var credential = new IssuingCredential(_time, TimeSpan.FromHours(1));
        var otherIssuer = new IssuingCredential(_time, TimeSpan.FromHours(1));
        await using var peer = new ServiceBusPeer(validToken: otherIssuer.Validates);
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Entra), credential: credential);

        var failure = await Assert.ThrowsAsync<ServiceBusFailure>(() => bridge.StartAsync(default));

        Assert.Contains("refused the token", failure.Message);
        Assert.Contains("401", failure.Message);
        Assert.Empty(peer.AttachedEntities);
        Assert.False(bridge.Status.Connected);
    }

    [Fact]
    public async Task Renewal_BeforeTokenExpiry_PutsAFreshTokenOnTheSameConnection()
    {
        var credential = new IssuingCredential(_time, TimeSpan.FromMinutes(10));
        await using var peer = new ServiceBusPeer(validToken: credential.Validates);
        var options = Options(peer, ServiceBusAuth.Entra);
        options.Bridge.ServiceBus.TokenRenewBefore = TimeSpan.FromMinutes(2);
        await using var bridge = Bridge(options, credential: credential);
        await bridge.StartAsync(default);
        Assert.Equal(2, peer.PutTokens.Count);

        _time.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(2, peer.PutTokens.Count);
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        await Eventually(() => peer.PutTokens.Count == 4, "the renewed tokens");
        var renewed = credential.Issued.Last();
        Assert.NotEqual(credential.Issued.First(), renewed);
        Assert.All(peer.PutTokens.Skip(2), p => Assert.Equal((renewed, true), (p.Token, p.Accepted)));
        Assert.Equal(1, peer.Connections);
        Assert.True(bridge.Status.Connected);
    }

    [Fact]
    public async Task Start_SasWithWrongKey_FailsClearlyWithoutTheKey()
    {
        const string wrongKey = "d3Jvbmcta2V5LW5ldmVyLWxvZ2dlZA==";
        await using var peer = new ServiceBusPeer(sas: (SasName, SasKey));
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Sas, sasKey: wrongKey));

        var failure = await Assert.ThrowsAsync<ServiceBusFailure>(() => bridge.StartAsync(default));

        Assert.Contains($"SAS rule '{SasName}'", failure.Message);
        Assert.Contains("amqp:unauthorized-access", failure.Message);
        Assert.DoesNotContain(wrongKey, failure.ToString());
        Assert.False(bridge.Status.Connected);
        Assert.DoesNotContain(wrongKey, bridge.Status.LastError);
        Assert.Empty(peer.AttachedEntities);
    }

    [Fact]
    public async Task Reconnect_PeerDropsTheConnection_HealthDropsThenReconnectsAndReceives()
    {
        await using var peer = new ServiceBusPeer(sas: (SasName, SasKey));
        await using var bridge = Bridge(Options(peer, ServiceBusAuth.Sas), TimeProvider.System);
        await bridge.StartAsync(default);
        var (seen, loop, stop) = Receive(bridge);

        peer.Refusing = true;
        peer.DropConnections();
        await Eventually(() => !bridge.Status.Connected, "health to report the lost connection");
        Assert.NotNull(bridge.Status.LastError);
        await Eventually(() => peer.RefusedAttaches.Count >= 2, "reconnect attempts while the broker refuses");
        Assert.False(bridge.Status.Connected);
        peer.Refusing = false;

        await Eventually(() => bridge.Status.Connected, "the reconnection");
        peer.PublishReply(EdgeId, "m-after", DecisionJson("r-after"));
        await Eventually(() => !seen.IsEmpty, "a decision after reconnecting");
        await bridge.SendAsync(Request("r-sent-after"), default);
        await Eventually(() => !peer.Requests.IsEmpty, "a request after reconnecting");
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public void Endpoint_PlainAmqpToANonLoopbackHost_IsRefused()
    {
        var options = new ServiceBusOptions { FullyQualifiedNamespace = ServiceBusPeer.Namespace, Endpoint = "amqp://10.1.2.3:5672" };

        Assert.Throws<InvalidOperationException>(() => ServiceBusEndpoint.From(options));
    }

    [Fact]
    public void Endpoint_Default_IsAmqpsOnTheNamespacePort5671()
    {
        var endpoint = ServiceBusEndpoint.From(new ServiceBusOptions { FullyQualifiedNamespace = ServiceBusPeer.Namespace });

        Assert.Equal((ServiceBusPeer.Namespace, 5671, true), (endpoint.Host, endpoint.Port, endpoint.UseTls));
    }

    private (DecisionHandler Handler, PendingTable Pending, RecordingSender Sender) DecisionHandlerWithPending(EdgeOptions edge, string requestId)
    {
        var options = Microsoft.Extensions.Options.Options.Create(edge);
        var pending = new PendingTable(10);
        var sender = new RecordingSender();
        var handler = new DecisionHandler(pending, new DuplicateCache(_time, 10, TimeSpan.FromSeconds(60)),
            new ReplyBuilder(RadiusDictionary.Default, NullLogger<ReplyBuilder>.Instance), sender,
            new ExchangeLog(options, NullLogger<ExchangeLog>.Instance, _time), options, _time, NullLogger<DecisionHandler>.Instance);
        var packet = PacketReader.Read(PacketWriter.Write(RadiusCode.AccessRequest, 9, new byte[16], [])).Value;
        var client = new NasClient("n", "t", IPNetwork.Parse("127.0.0.1/32"), new ClientPolicy("unit-test-shared-secret"u8.ToArray()));
        var now = _time.GetUtcNow();
        pending.TryAdd(new PendingRequest(requestId, default, new IPEndPoint(IPAddress.Loopback, 1), client, packet, "u", now,
            now + TimeSpan.FromSeconds(35)));
        return (handler, pending, sender);
    }

    private sealed class RecordingSender : IReplySender
    {
        public ConcurrentQueue<byte[]> Sent { get; } = new();

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken)
        {
            Sent.Enqueue(datagram.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
