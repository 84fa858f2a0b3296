using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa.Codes;

/// <summary>
/// Send slots in "CodeSends": PartitionKey = SHA-256 of the limit key (no phone numbers or addresses in keys), RowKey =
/// "{ticks:D19}-{random}", so a window is a RowKey range. A sender inserts its slot first, then counts every slot in the
/// window and keeps its own only if the count is within the limit. Of k senders that pass, the last to insert counted all
/// k slots, so k never exceeds the limit; a burst may refuse a little more than needed (fail closed), never less.
/// </summary>
public sealed class TableCodeSendLog(TableSet tables) : ICodeSendLog
{
    private const string Table = "CodeSends";

    public async Task<string?> TryAcquireAsync(string key, DateTimeOffset now, TimeSpan window, int limit, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var partition = Partition(key);
        var slot = Ticks(now) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await table.AddEntityAsync(new TableEntity(partition, slot) { ["SentAt"] = now }, ct).ConfigureAwait(false);

        var from = Ticks(now - window);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from}");
        var taken = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
            taken++;
        if (taken <= limit)
            return slot;
        await ReleaseAsync(key, slot, ct).ConfigureAwait(false);
        return null;
    }

    public async Task ReleaseAsync(string key, string slotId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(Partition(key), slotId, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
        }
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"RowKey lt {Ticks(before)}"), ct).ConfigureAwait(false);
    }

    private static string Partition(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Ticks(DateTimeOffset t) => t.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}
