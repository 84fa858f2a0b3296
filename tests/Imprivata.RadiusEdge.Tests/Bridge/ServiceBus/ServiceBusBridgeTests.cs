using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Bridge.ServiceBus;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Imprivata.Testing.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imprivata.RadiusEdge.Tests.Bridge.ServiceBus;

/// <summary>The real Azure.Messaging.ServiceBus client in the edge, against the Service Bus double on loopback.</summary>
public sealed class ServiceBusBridgeTests : IAsyncLifetime
{
    private const string EdgeId = "edge-a";
    private const string RequestQueue = "radius-requests";
    private const string ReplyQueue = "radius-replies";
    private ServiceBusDouble _namespace = null!;

    public Task InitializeAsync()
    {
        _namespace = new ServiceBusDouble([new DoubleQueue(RequestQueue), new DoubleQueue(ReplyQueue, RequiresSession: true)]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _namespace.DisposeAsync();

    private EdgeOptions Options(string? connectionString = null, string requestQueue = RequestQueue) => new()
    {
        EdgeId = EdgeId,
        Bridge = new BridgeOptions
        {
            Kind = "ServiceBus",
            RequestQueue = requestQueue,
            ServiceBus = new ServiceBusOptions
            {
                Auth = ServiceBusAuth.Sas,
                ConnectionString = connectionString ?? _namespace.ConnectionString,
                ReplyEntity = ReplyQueue,
                OperationTimeout = TimeSpan.FromSeconds(5),
            },
        },
    };

    private static ServiceBusBridge Bridge(EdgeOptions options) =>
        new(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<ServiceBusBridge>.Instance);

    private static AuthenticateRequest Request(string requestId) => new()
    {
        RequestId = requestId,
        EdgeId = EdgeId,
        ReceivedAt = DateTimeOffset.UtcNow,
        Deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(35),
        Nas = new BridgeNas("vpn-1", "Cisco ASA", "10.0.0.5"),
        UserName = "nemo",
    };

    private static byte[] DecisionJson(string requestId, DecisionKind kind = DecisionKind.Accept, string edgeId = EdgeId) =>
        JsonSerializer.SerializeToUtf8Bytes(new Decision { RequestId = requestId, EdgeId = edgeId, Kind = kind }, BridgeContract.Json);

    /// <summary>Polls an I/O outcome with an upper bound (the double and the SDK run on other threads).</summary>
    private static async Task Eventually(Func<bool> condition, string what, int milliseconds = 15_000)
    {
        var until = Environment.TickCount64 + milliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > until)
                Assert.Fail("Timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>Runs the bridge's receive loop into a queue, as the BridgeService would into the DecisionHandler.</summary>
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
    public async Task Send_Request_CarriesRequestIdReplyToEdgeSessionTtlAndJson()
    {
        await using var bridge = Bridge(Options());
        await bridge.StartAsync(default);

        await bridge.SendAsync(Request("0123456789abcdef0123456789abcdef"), default);

        var sent = Assert.Single(_namespace.Received(RequestQueue)).Message;
        Assert.Equal("0123456789abcdef0123456789abcdef", sent.Properties.MessageId);
        Assert.Equal(ReplyQueue, sent.Properties.ReplyTo);
        Assert.Equal(EdgeId, sent.Properties.ReplyToGroupId);
        Assert.Equal("application/json", sent.Properties.ContentType.ToString());
        Assert.InRange(sent.Header.Ttl, 30_000u, 35_000u);
        var body = JsonSerializer.Deserialize<AuthenticateRequest>((byte[])sent.Body, BridgeContract.Json)!;
        Assert.Equal(("0123456789abcdef0123456789abcdef", EdgeId, "nemo"), (body.RequestId, body.EdgeId, body.UserName));
        Assert.True(bridge.Status.Connected);
        Assert.Contains(_namespace.PutTokens, p => p.Type == "servicebus.windows.net:sastoken" && p.Granted);
    }

    [Fact]
    public async Task Receive_DecisionInOwnSession_IsAppliedToItsPendingRequestAndCompleted()
    {
        var options = Options();
        await using var bridge = Bridge(options);
        var (handler, pending, sender) = DecisionHandlerWithPending(options, "r-own");
        await bridge.StartAsync(default);
        using var stop = new CancellationTokenSource();
        var loop = bridge.ReceiveAsync(handler.HandleAsync, stop.Token);

        _namespace.Publish(ReplyQueue, DecisionJson("r-own"), messageId: "m-own", sessionId: EdgeId);

        await Eventually(() => !sender.Sent.IsEmpty, "the RADIUS reply");
        Assert.Equal(RadiusCode.AccessAccept, (RadiusCode)Assert.Single(sender.Sent)[0]);
        Assert.Equal(0, pending.Count);
        await Eventually(() => !_namespace.Settlements.IsEmpty, "the settlement");
        var settled = Assert.Single(_namespace.Settlements);
        Assert.Equal(("m-own", EdgeId, "Accepted"), (settled.MessageId, settled.SessionId, settled.Outcome));
        Assert.Contains($"receive {ReplyQueue} session {EdgeId}", _namespace.Attaches);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task Receive_DecisionInAnotherEdgesSession_IsNeverSeen()
    {
        await using var bridge = Bridge(Options());
        await bridge.StartAsync(default);
        var (seen, loop, stop) = Receive(bridge);

        _namespace.Publish(ReplyQueue, DecisionJson("r-other", edgeId: "edge-b"), messageId: "m-other", sessionId: "edge-b");
        _namespace.Publish(ReplyQueue, DecisionJson("r-own"), messageId: "m-own", sessionId: EdgeId);

        await Eventually(() => !seen.IsEmpty, "the own decision");
        Assert.Equal("r-own", Assert.Single(seen).RequestId);
        Assert.Equal(1, _namespace.Waiting(ReplyQueue, "edge-b"));
        Assert.DoesNotContain(_namespace.Settlements, s => s.MessageId == "m-other");
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Receive_MalformedReply_IsDeadLetteredWithReasonAndReceiverKeepsGoing()
    {
        await using var bridge = Bridge(Options());
        await bridge.StartAsync(default);
        var (seen, loop, stop) = Receive(bridge);

        _namespace.Publish(ReplyQueue, "{\"requestId\": not json"u8.ToArray(), messageId: "m-bad", sessionId: EdgeId);
        _namespace.Publish(ReplyQueue, Encoding.UTF8.GetBytes(
            """{"version":1,"type":"radius.decision","requestId":"r","edgeId":"edge-a","kind":"maybe"}"""), messageId: "m-unknown-kind", sessionId: EdgeId);
        _namespace.Publish(ReplyQueue, DecisionJson("r-good"), messageId: "m-good", sessionId: EdgeId);

        await Eventually(() => _namespace.Settlements.Count == 3, "three settlements");
        Assert.Equal("r-good", Assert.Single(seen).RequestId);
        var bad = _namespace.Settlements.Single(s => s.MessageId == "m-bad");
        Assert.Equal(("Rejected", "malformed_decision"), (bad.Outcome, bad.Description));
        Assert.Equal("Rejected", _namespace.Settlements.Single(s => s.MessageId == "m-unknown-kind").Outcome);
        Assert.Equal("Accepted", _namespace.Settlements.Single(s => s.MessageId == "m-good").Outcome);
        Assert.Equal(2, _namespace.DeadLettered(ReplyQueue).Count);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Start_SasWithWrongKey_FailsClearlyWithoutTheKey()
    {
        const string wrongKey = "d3Jvbmcta2V5LW5ldmVyLWxvZ2dlZA==";
        await using var bridge = Bridge(Options(_namespace.ConnectionStringWithKey(wrongKey)));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => bridge.StartAsync(default));

        Assert.Contains("refused the request entity", failure.Message);
        Assert.DoesNotContain(wrongKey, failure.ToString());
        Assert.False(bridge.Status.Connected);
        Assert.DoesNotContain(wrongKey, bridge.Status.LastError);
        Assert.Contains(_namespace.PutTokens, p => !p.Granted);
        Assert.Empty(_namespace.Attaches);
    }

    [Fact]
    public async Task Send_ToAQueueThatDoesNotExist_IsRefusedAsNotSent()
    {
        await using var bridge = Bridge(Options(requestQueue: "no-such-queue"));

        await Assert.ThrowsAsync<BridgeRefusedException>(() => bridge.SendAsync(Request("r-nowhere"), default));

        Assert.False(bridge.Status.Connected);
    }

    [Fact]
    public async Task Reconnect_NamespaceDropsTheConnection_HealthDropsThenRecoversAndReceives()
    {
        await using var bridge = Bridge(Options());
        await bridge.StartAsync(default);
        var (seen, loop, stop) = Receive(bridge);
        await Eventually(() => _namespace.Attaches.Contains($"receive {ReplyQueue} session {EdgeId}"), "the session receiver");

        _namespace.Refusing = true;
        _namespace.DropConnections();
        await Eventually(() => !bridge.Status.Connected, "health to report the lost connection");
        Assert.NotNull(bridge.Status.LastError);
        _namespace.Refusing = false;

        _namespace.Publish(ReplyQueue, DecisionJson("r-after"), messageId: "m-after", sessionId: EdgeId);
        await Eventually(() => !seen.IsEmpty, "a decision after reconnecting", 60_000);
        await Eventually(() => bridge.Status.Connected, "health after reconnecting");
        await bridge.SendAsync(Request("r-sent-after"), default);
        Assert.Contains(_namespace.Received(RequestQueue), m => m.MessageId == "r-sent-after");
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public void ConnectionString_DevelopmentEmulatorToAnotherHost_IsRefused()
    {
        var options = Options("Endpoint=sb://10.1.2.3:5672;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0;UseDevelopmentEmulator=true");

        var refused = Assert.Throws<InvalidOperationException>(() => Bridge(options));

        Assert.Contains("loopback", refused.Message);
    }

    private static (DecisionHandler Handler, PendingTable Pending, RecordingSender Sender) DecisionHandlerWithPending(EdgeOptions edge, string requestId)
    {
        var options = Microsoft.Extensions.Options.Options.Create(edge);
        var pending = new PendingTable(10);
        var sender = new RecordingSender();
        var handler = new DecisionHandler(pending, new DuplicateCache(TimeProvider.System, 10, TimeSpan.FromSeconds(60)),
            new ReplyBuilder(RadiusDictionary.Default, NullLogger<ReplyBuilder>.Instance), sender,
            new ExchangeLog(options, NullLogger<ExchangeLog>.Instance, TimeProvider.System), options, TimeProvider.System,
            NullLogger<DecisionHandler>.Instance);
        var packet = PacketReader.Read(PacketWriter.Write(RadiusCode.AccessRequest, 9, new byte[16], [])).Value;
        var client = new NasClient("n", "t", IPNetwork.Parse("127.0.0.1/32"), new ClientPolicy("unit-test-shared-secret"u8.ToArray()));
        var now = DateTimeOffset.UtcNow;
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
