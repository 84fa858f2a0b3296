using Imprivata.Core.Audit;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>
/// Overload: a request whose deadline falls within the decision reserve (its answer could not reach the gateway in time)
/// is shed, not decided. The reserve is long here, so the request is shed while its deadline is still well ahead.
/// </summary>
public sealed class RadiusSheddingTests : IAsyncLifetime
{
    private RadiusBackend _backend = default!;
    private BridgeEdge _edge = default!;

    public async Task InitializeAsync()
    {
        _backend = await RadiusBackend.StartAsync(new Dictionary<string, string?> { ["Imprivata:Radius:DecisionReserve"] = "00:00:20" });
        _edge = await BridgeEdge.ConnectAsync(_backend);
    }

    public Task DisposeAsync() => _backend.DisposeAsync().AsTask();

    [Fact]
    public async Task Request_WhoseDeadlineFallsWithinTheReserve_ShedUnansweredAndAudited()
    {
        var client = new Core.Radius.RadiusClientProfile { Name = RadiusWorld.Unique("vpn") };
        await _backend.SaveClientAsync(client);
        var user = await _backend.AddUserAsync(RadiusWorld.Unique("shed"));
        var request = _edge.Request(user.Username, RadiusBackend.Password, client.Name, deadline: TimeSpan.FromSeconds(10));

        await _edge.SendAsync(request);

        var world = new AuditReader(_backend);
        await RadiusDecisionsTests.WaitForAsync(async () => (await world.OfAsync(AuditKinds.RadiusIgnored, user.Username)).Count == 1);
        Assert.Equal("deadline_passed", (await world.OfAsync(AuditKinds.RadiusIgnored, user.Username)).Single().Reason);
        Assert.Empty(await world.OfAsync(AuditKinds.RadiusAccept, user.Username));
        Assert.DoesNotContain(await _edge.DrainAsync(TimeSpan.FromSeconds(1)), d => d.RequestId == BridgeEdge.RequestIdOf(request));
    }

    private sealed class AuditReader(RadiusBackend backend)
    {
        public async Task<List<AuditEvent>> OfAsync(string kind, string username)
        {
            var list = new List<AuditEvent>();
            await foreach (var e in backend.Get<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
                if (e.Kind == kind && e.Username == username)
                    list.Add(e);
            return list;
        }
    }
}
