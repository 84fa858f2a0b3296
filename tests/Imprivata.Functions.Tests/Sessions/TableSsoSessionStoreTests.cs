using Azure.Data.Tables;
using Imprivata.Core.Sessions;
using Imprivata.Storage.Sessions;
using Imprivata.Storage.Tables;

namespace Imprivata.Functions.Tests.Sessions;

public sealed class TableSsoSessionStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly TableSet _tables = new(Azurite.NewTables());

    private static SsoSession Session(string id) => new()
    {
        Id = id, UserId = "u1", AuthenticatedAt = Now, ExpiresAt = Now.AddHours(2), Amr = ["pwd"], ClientIds = ["app"],
    };

    [Fact]
    public async Task Save_ThenFind_RoundTripsUnderItsOwnRowKey()
    {
        var store = new TableSsoSessionStore(_tables);
        var id = "session-" + Guid.NewGuid().ToString("N");
        await store.SaveAsync(Session(id), Ct);

        var found = await store.FindAsync(id, Ct);
        Assert.Equal("u1", found?.UserId);
        Assert.Equal(["app"], found!.ClientIds);
        var table = await _tables.GetAsync("SsoSessions", Ct);
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>(id, id, cancellationToken: Ct)).HasValue);
    }

    [Fact]
    public async Task SessionEndedOnAnotherInstance_IsGoneHereOnceTheRecentLifetimeHasPassed()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var here = new TableSsoSessionStore(_tables, clock);
        var elsewhere = new TableSsoSessionStore(_tables, clock);
        var id = "ended-" + Guid.NewGuid().ToString("N");
        await here.SaveAsync(Session(id), Ct);

        await elsewhere.DeleteAsync(id, Ct);
        Assert.NotNull(await here.FindAsync(id, Ct)); // as this instance wrote it moments ago
        clock.Advance(TableSsoSessionStore.RecentLifetime + TimeSpan.FromMilliseconds(1));
        Assert.Null(await here.FindAsync(id, Ct));

        await here.SaveAsync(Session(id), Ct);
        await here.DeleteAsync(id, Ct);
        Assert.Null(await here.FindAsync(id, Ct)); // ended through this instance: at once
    }

    [Fact]
    public async Task SessionWrittenBeforeTheRowKeyChange_IsFoundAndEndedByDelete()
    {
        var store = new TableSsoSessionStore(_tables);
        var id = "legacy-" + Guid.NewGuid().ToString("N");
        var table = await _tables.GetAsync("SsoSessions", Ct);
        await table.AddEntityAsync(new TableEntity(id, "s")
        {
            ["UserId"] = "u2", ["AuthenticatedAt"] = Now, ["ExpiresAt"] = Now.AddHours(2), ["Amr"] = "[\"pwd\"]", ["ClientIds"] = "[]",
        }, Ct);

        Assert.Equal("u2", (await store.FindAsync(id, Ct))?.UserId);

        await store.DeleteAsync(id, Ct);
        Assert.Null(await store.FindAsync(id, Ct));
    }
}
