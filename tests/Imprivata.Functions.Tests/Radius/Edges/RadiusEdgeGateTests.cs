using Imprivata.Core.Radius;
using Imprivata.Functions.Radius.Edges;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Imprivata.Functions.Tests.Radius.Edges;

/// <summary>The decision path's view of edge states: one list read per few seconds, at once after a change through this instance.</summary>
public sealed class RadiusEdgeGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly Mock<IRadiusEdgeStore> _store = new();
    private EdgeRunState _state = EdgeRunState.Running;
    private bool _revoked;

    public RadiusEdgeGateTests() =>
        _store.Setup(s => s.ListAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() =>
            [new ConnectedEdge { Id = "Site-A", DesiredState = _state, Revoked = _revoked }]);

    [Fact]
    public async Task StateReadOncePerLifetime_OtherInstancesChangeSeenAfterIt_OwnChangeAtOnce()
    {
        var gate = new RadiusEdgeGate(_store.Object, _time);

        var running = await gate.RefusalAsync("site-a", default);
        _state = EdgeRunState.Stopped;
        var cached = await gate.RefusalAsync("site-a", default);
        _time.Advance(RadiusEdgeGate.CacheLifetime);
        var stopped = await gate.RefusalAsync("site-a", default);
        _revoked = true;
        gate.Changed();
        var revoked = await gate.RefusalAsync("site-a", default);

        Assert.Equal((null, null, RadiusReasons.EdgeStopped, RadiusReasons.EdgeRevoked), (running, cached, stopped, revoked));
        _store.Verify(s => s.ListAsync(It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Fact]
    public async Task EdgeNeverConnected_NoRefusal()
    {
        _state = EdgeRunState.Stopped;

        Assert.Null(await new RadiusEdgeGate(_store.Object, _time).RefusalAsync("edge-from-local-files", default));
    }
}
