using System.Globalization;
using Azure.Data.Tables;
using Imprivata.Core.Audit;
using Imprivata.Storage.Audit;
using Imprivata.Storage.Tables;
using Imprivata.Tests.Infrastructure;

namespace Imprivata.Tests.Audit;

public sealed class TableAuditLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Hour = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly TableSet _tables = new(Azurite.NewTables());

    private static AuditEvent Event(DateTimeOffset time, string detail) =>
        new() { Time = time, Kind = "test", Result = AuditResults.Success, Reason = AuditReasons.Ok, Detail = detail };

    [Fact]
    public async Task Query_EventsSpreadOverAnHoursPartitions_AllComeBackNewestFirst()
    {
        var log = new TableAuditLog(_tables);
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
        var log = new TableAuditLog(_tables);
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
}
