using System.Globalization;
using Azure.Data.Tables;
using Imprivata.Core.Audit;
using Imprivata.Storage.Audit;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Audit;

public sealed class TableAuditLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Hour = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly TableSet _tables = new(Azurite.NewTables());

    private TableAuditLog NewLog() => new(_tables, new SecretKeys(_tables));

    private static AuditEvent Event(DateTimeOffset time, string detail) =>
        new() { Time = time, Kind = "test", Result = AuditResults.Success, Reason = AuditReasons.Ok, Detail = detail };

    [Fact]
    public async Task Query_EventsSpreadOverAnHoursPartitions_AllComeBackNewestFirst()
    {
        var log = NewLog();
        var times = Enumerable.Range(0, 80).Select(i => Hour.AddSeconds(i * 40)).ToArray(); // 80 events over 53 minutes
        foreach (var time in times.OrderBy(_ => Random.Shared.Next()))
            await log.AppendAsync(Event(time, time.ToString("O", CultureInfo.InvariantCulture)), Ct);

        var found = await log.QueryAsync(Hour, Hour.AddHours(1), Ct).ToListAsync(Ct);

        Assert.Equal(times.OrderByDescending(t => t), found.Select(e => e.Time));
        // Spread: the hour's writes are not all on one partition.
        var table = await _tables.GetAsync("Audit", Ct);
        var partitions = await table.QueryAsync<TableEntity>(select: ["PartitionKey"]).Select(r => r.PartitionKey).Distinct().ToListAsync(Ct);
        Assert.True(partitions.Count > 4, $"{partitions.Count} partitions");
        Assert.All(partitions, p => Assert.StartsWith("2026112809-", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Query_RowsFromBeforeTheSpread_AreMergedInOrderWithinTheWindow()
    {
        var log = NewLog();
        await log.AppendAsync(Event(Hour.AddMinutes(10), "new-10"), Ct);
        await log.AppendAsync(Event(Hour.AddMinutes(30), "new-30"), Ct);
        await log.AppendAsync(Event(Hour.AddMinutes(-30), "previous-hour"), Ct);
        await log.AppendAsync(Event(Hour.AddHours(2), "outside"), Ct);
        // A row written with the old single-partition-per-hour layout.
        var table = await _tables.GetAsync("Audit", Ct);
        var legacyTime = Hour.AddMinutes(20);
        await table.AddEntityAsync(new TableEntity("2026112809", (DateTime.MaxValue.Ticks - legacyTime.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-x")
        {
            ["Time"] = legacyTime, ["Kind"] = "test", ["Result"] = AuditResults.Success, ["Reason"] = AuditReasons.Ok, ["Detail"] = "legacy-20",
        }, Ct);

        var found = await log.QueryAsync(Hour.AddMinutes(-45), Hour.AddHours(1), Ct).Select(e => e.Detail).ToListAsync(Ct);

        Assert.Equal(["new-30", "legacy-20", "new-10", "previous-hour"], found);
    }

    [Fact]
    public async Task Seal_EveryWrittenEventVerifies_AChangedOrMovedRowDoesNot_AnOldRowIsUnsealed()
    {
        var log = NewLog();
        await log.AppendAsync(Event(Hour.AddMinutes(1), "kept") with { Username = "ada", Result = AuditResults.Failure }, Ct);
        await log.AppendAsync(Event(Hour.AddMinutes(2), "changed") with { Username = "ada", Result = AuditResults.Failure }, Ct);
        await log.AppendAsync(Event(Hour.AddMinutes(3), "moved"), Ct);
        var table = await _tables.GetAsync("Audit", Ct);
        var rows = await table.QueryAsync<TableEntity>().ToListAsync(Ct);

        // Someone with write access to the table turns a failure into a success, and copies an event to another time.
        var changed = rows.Single(r => r.GetString("Detail") == "changed");
        changed["Result"] = AuditResults.Success;
        await table.UpdateEntityAsync(changed, Azure.ETag.All, TableUpdateMode.Replace, Ct);
        var moved = rows.Single(r => r.GetString("Detail") == "moved");
        var copy = new TableEntity(moved) { RowKey = (DateTime.MaxValue.Ticks - Hour.AddMinutes(4).UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-copy" };
        copy["Time"] = Hour.AddMinutes(4);
        await table.AddEntityAsync(copy, Ct);
        await table.AddEntityAsync(new TableEntity("2026112809", (DateTime.MaxValue.Ticks - Hour.AddMinutes(5).UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-x")
        {
            ["Time"] = Hour.AddMinutes(5), ["Kind"] = "test", ["Result"] = AuditResults.Success, ["Reason"] = AuditReasons.Ok, ["Detail"] = "before seals",
        }, Ct);

        var found = await log.QueryAsync(Hour, Hour.AddHours(1), Ct).ToListAsync(Ct);

        Assert.Equal(AuditSeal.Valid, found.Single(e => e.Detail == "kept").Seal);
        Assert.Equal(AuditSeal.Broken, found.Single(e => e.Detail == "changed").Seal);
        Assert.Equal(AuditSeal.Valid, found.Single(e => e.Detail == "moved" && e.Time == Hour.AddMinutes(3)).Seal);
        Assert.Equal(AuditSeal.Broken, found.Single(e => e.Detail == "moved" && e.Time == Hour.AddMinutes(4)).Seal);
        Assert.Equal(AuditSeal.Unsealed, found.Single(e => e.Detail == "before seals").Seal);
    }

    [Fact]
    public async Task Seal_ANewRowStrippedOfItsSealOrRetyped_ReadsAsChangedWithoutFailingTheQuery()
    {
        var log = NewLog();
        // Past the quarter of an hour after the seal key appeared, when an instance of the previous version may still write
        // unsealed rows.
        var now = DateTimeOffset.UtcNow.AddMinutes(20);
        await log.AppendAsync(Event(now, "stripped"), Ct);
        await log.AppendAsync(Event(now.AddSeconds(1), "retyped"), Ct);
        var table = await _tables.GetAsync("Audit", Ct);
        foreach (var row in await table.QueryAsync<TableEntity>().ToListAsync(Ct))
        {
            if (row.GetString("Detail") == "stripped")
                row.Remove("Seal");
            else
                row["Result"] = 1; // not even a string any more
            await table.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Replace, Ct);
        }

        var found = await log.QueryAsync(now.AddMinutes(-1), now.AddMinutes(1), Ct).ToListAsync(Ct);

        Assert.Equal(AuditSeal.Broken, found.Single(e => e.Detail == "stripped").Seal);
        var retyped = found.Single(e => e.Detail == "retyped");
        Assert.Equal((AuditSeal.Broken, "1"), (retyped.Seal, retyped.Result));
    }
}
