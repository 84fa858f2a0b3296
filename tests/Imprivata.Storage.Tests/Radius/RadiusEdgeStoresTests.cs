using Imprivata.Core.Radius;
using Imprivata.Storage.Radius;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Radius;

/// <summary>Connected edges, integration tokens and the integration ID on Azurite.</summary>
public sealed class RadiusEdgeStoresTests
{
    private readonly TableSet _tables = new(Azurite.NewTables());
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Edges_ConnectStartsRunning_StopAndHeartbeatKeepEachOther_ReconnectClearsRevocationKeepsStop()
    {
        var store = new TableRadiusEdgeStore(_tables);
        await store.ConnectAsync("Site-A", "Site A edge", "1.4.0", "hash-1", Now, default);

        var fresh = await store.FindAsync("site-a", default);
        Assert.True(await store.SetDesiredStateAsync("site-a", EdgeRunState.Stopped, default));
        Assert.True(await store.RecordHeartbeatAsync("Site-A", "1.4.1", new EdgeHeartbeat
        {
            ReceivedAt = Now.AddSeconds(15), State = EdgeRunState.Running, Pending = 3, Clients = 5, ConfigVersion = "v1", Errors = ["bridge: timed out"],
        }, default));
        Assert.True(await store.RevokeAsync("Site-A", default));
        var revoked = await store.FindAsync("Site-A", default);
        await store.ConnectAsync("Site-A", "Site A edge", "1.4.1", "hash-2", Now.AddMinutes(1), default);
        var again = await store.FindAsync("Site-A", default);

        Assert.Equal((EdgeRunState.Running, false, "hash-1", "Site A edge"), (fresh!.DesiredState, fresh.Revoked, fresh.CredentialHash, fresh.Name));
        Assert.Null(fresh.LastHeartbeat);
        Assert.Equal((EdgeRunState.Stopped, true, "1.4.1", 3, 5, "v1"),
            (revoked!.DesiredState, revoked.Revoked, revoked.Version, revoked.LastHeartbeat!.Pending, revoked.LastHeartbeat.Clients, revoked.LastHeartbeat.ConfigVersion));
        Assert.Equal(["bridge: timed out"], revoked.LastHeartbeat.Errors);
        Assert.Equal((EdgeRunState.Stopped, false, "hash-2", Now.AddMinutes(1)), (again!.DesiredState, again.Revoked, again.CredentialHash, again.ConnectedAt));
        Assert.Equal(["Site-A"], (await store.ListAsync(default)).Select(e => e.Id));
    }

    [Fact]
    public async Task Edges_UnknownOrInvalidId_NothingCreated()
    {
        var store = new TableRadiusEdgeStore(_tables);

        Assert.False(await store.SetDesiredStateAsync("nobody", EdgeRunState.Stopped, default));
        Assert.False(await store.RevokeAsync("nobody", default));
        Assert.False(await store.RecordHeartbeatAsync("nobody", "1", new EdgeHeartbeat { ReceivedAt = Now }, default));
        Assert.Null(await store.FindAsync("../x", default));
        Assert.Empty(await store.ListAsync(default));
    }

    [Fact]
    public async Task Tokens_TwoParallelUsesOfOneRead_ExactlyOneWins_ThenPurgedAfterExpiry()
    {
        var store = new TableEdgeIntegrationTokenStore(_tables);
        await store.AddAsync(new EdgeIntegrationToken { Hash = "h-1", IssuedBy = "root", IssuedAt = Now, ExpiresAt = Now + EdgeIntegrationToken.Lifetime }, default);
        var first = await store.FindAsync("h-1", default);
        var second = await store.FindAsync("h-1", default);

        var results = await Task.WhenAll(
            store.TryUseAsync(first!, "edge-a", Now.AddMinutes(1), default),
            store.TryUseAsync(second!, "edge-b", Now.AddMinutes(1), default));

        Assert.Single(results, r => r);
        var used = await store.FindAsync("h-1", default);
        Assert.Equal(Now.AddMinutes(1), used!.UsedAt);
        Assert.Equal(results[0] ? "edge-a" : "edge-b", used.UsedBy);
        Assert.False(await store.TryUseAsync(used with { Version = first!.Version }, "edge-c", Now.AddMinutes(2), default));
        Assert.Equal(0, await store.PurgeAsync(Now, default));
        Assert.Equal(1, await store.PurgeAsync(Now.AddHours(2), default));
        Assert.Null(await store.FindAsync("h-1", default));
    }

    [Fact]
    public async Task IntegrationId_GeneratedOnce_SameForEveryInstance()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new TableEdgeIntegrationId(_tables).GetAsync(default)));

        Assert.Single(ids.Distinct());
        Assert.True(Guid.TryParse(ids[0], out _));
        Assert.Equal(ids[0], await new TableEdgeIntegrationId(_tables).GetAsync(default));
    }
}
