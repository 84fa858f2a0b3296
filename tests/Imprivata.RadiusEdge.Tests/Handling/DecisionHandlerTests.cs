using System.Net;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Handling;

public class DecisionHandlerTests
{
    private const string EdgeId = "edge-unit";
    private readonly FakeTimeProvider _time = new();
    private readonly PendingTable _pending = new(10);
    private readonly RecordingSender _sender = new();
    private readonly DecisionHandler _handler;
    private readonly EdgeOptions _options = new() { EdgeId = EdgeId };

    public DecisionHandlerTests()
    {
        var options = Options.Create(_options);
        _handler = new DecisionHandler(_pending, new DuplicateCache(_time, 10, TimeSpan.FromSeconds(60)),
            new ReplyBuilder(RadiusDictionary.Default, NullLogger<ReplyBuilder>.Instance), _sender,
            new ExchangeLog(options, NullLogger<ExchangeLog>.Instance, _time), options, _time, NullLogger<DecisionHandler>.Instance);
    }

    private void AddPending(string id)
    {
        var packet = PacketReader.Read(PacketWriter.Write(RadiusCode.AccessRequest, 9, new byte[16], [])).Value;
        var client = new NasClient("n", "t", IPNetwork.Parse("127.0.0.1/32"), new ClientPolicy("unit-test-shared-secret"u8.ToArray()));
        var now = _time.GetUtcNow();
        _pending.TryAdd(new PendingRequest(id, default, new IPEndPoint(IPAddress.Loopback, 1), client, packet, "u", now, now + TimeSpan.FromSeconds(35)));
    }

    private static Decision Decide(string id, DecisionKind kind, string? state = null, string edgeId = EdgeId) =>
        new() { RequestId = id, EdgeId = edgeId, Kind = kind, State = state };

    [Fact]
    public async Task Handle_ChallengeWithShortState_FailsClosedToReject()
    {
        AddPending("r1");

        await _handler.HandleAsync(Decide("r1", DecisionKind.Challenge, Convert.ToBase64String(new byte[8])), default);

        Assert.Equal(RadiusCode.AccessReject, (RadiusCode)Assert.Single(_sender.Sent)[0]);
    }

    [Fact]
    public async Task Handle_SecondDecisionForSameRequest_IsIgnored()
    {
        AddPending("r1");

        await _handler.HandleAsync(Decide("r1", DecisionKind.Accept), default);
        await _handler.HandleAsync(Decide("r1", DecisionKind.Reject), default);

        Assert.Equal(RadiusCode.AccessAccept, (RadiusCode)Assert.Single(_sender.Sent)[0]);
    }

    [Fact]
    public async Task Handle_DecisionForAnotherEdge_IsIgnored()
    {
        AddPending("r1");

        await _handler.HandleAsync(Decide("r1", DecisionKind.Accept, edgeId: "other-edge"), default);

        Assert.Empty(_sender.Sent);
        Assert.Equal(1, _pending.Count);
    }

    [Fact]
    public async Task Handle_Silent_SendsNothingAndEndsTheRequest()
    {
        AddPending("r1");

        await _handler.HandleAsync(Decide("r1", DecisionKind.Silent), default);

        Assert.Empty(_sender.Sent);
        Assert.Equal(0, _pending.Count);
    }

    [Fact]
    public async Task Handle_HoldArrivingLate_CountsMaxHoldFromTheHoldsArrival()
    {
        AddPending("r1");
        _time.Advance(TimeSpan.FromSeconds(30));
        var holdArrived = _time.GetUtcNow();

        await _handler.HandleAsync(Decide("r1", DecisionKind.Hold) with { HoldUntil = holdArrived.AddHours(1) }, default);

        Assert.Empty(_pending.TakeExpired(holdArrived + _options.MaxHold - TimeSpan.FromSeconds(1)));
        Assert.Single(_pending.TakeExpired(holdArrived + _options.MaxHold));
    }

    [Fact]
    public async Task Handle_RepeatedHolds_NeverPassMaxHoldAfterTheFirst()
    {
        AddPending("r1");
        var firstHold = _time.GetUtcNow();
        await _handler.HandleAsync(Decide("r1", DecisionKind.Hold) with { HoldUntil = firstHold.AddSeconds(60) }, default);
        _time.Advance(TimeSpan.FromSeconds(59));

        await _handler.HandleAsync(Decide("r1", DecisionKind.Hold) with { HoldUntil = _time.GetUtcNow().AddHours(1) }, default);

        Assert.Single(_pending.TakeExpired(firstHold + _options.MaxHold));
    }

    [Fact]
    public async Task Handle_HoldBeyondMaxHold_IsCapped()
    {
        AddPending("r1");
        var decision = Decide("r1", DecisionKind.Hold) with { HoldUntil = _time.GetUtcNow().AddHours(1) };

        await _handler.HandleAsync(decision, default);

        Assert.Empty(_pending.TakeExpired(_time.GetUtcNow() + _options.MaxHold - TimeSpan.FromSeconds(1)));
        Assert.Single(_pending.TakeExpired(_time.GetUtcNow() + _options.MaxHold));
    }

    private sealed class RecordingSender : IReplySender
    {
        public List<byte[]> Sent { get; } = [];

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken)
        {
            Sent.Add(datagram.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
