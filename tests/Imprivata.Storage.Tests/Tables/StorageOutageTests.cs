using Imprivata.Storage.Queues;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Tables;

/// <summary>Storage down when the app starts, back a moment later: the same TableSet and QueueSet work again.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task TableSet_CreationFailedWhileStorageDown_WorksOnceStorageIsBack()
    {
        await using var tables = SwitchableRelay.Off(Azurite.PortOf("Table"));
        await using var queues = SwitchableRelay.Off(Azurite.PortOf("Queue"));
        var set = new TableSet(Azurite.NewTablesThrough(tables.Port, queues.Port));

        await Assert.ThrowsAnyAsync<Exception>(() => set.GetAsync("Users"));
        tables.SwitchOn();
        var users = await set.GetAsync("Users");
        await users.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("p", "r"));

        await set.PingAsync(CancellationToken.None);
    }

    [Fact]
    public async Task QueueSet_CreationFailedWhileStorageDown_WorksOnceStorageIsBack()
    {
        await using var tables = SwitchableRelay.Off(Azurite.PortOf("Table"));
        await using var queues = SwitchableRelay.Off(Azurite.PortOf("Queue"));
        var set = new QueueSet(Azurite.NewTablesThrough(tables.Port, queues.Port));
        var name = "q" + Guid.NewGuid().ToString("N")[..12];

        await Assert.ThrowsAnyAsync<Exception>(() => set.GetAsync(name));
        queues.SwitchOn();
        var queue = await set.GetAsync(name);

        await queue.SendMessageAsync("back");
    }
}
