using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// An index table: rows whose TargetId column names an entity. Entries are written before the entity row changes
/// and removed after it, so a reader never misses a live entity; entries left dangling by a crash or a lost
/// concurrency race are tolerated because every hit is re-read and re-checked against the entity itself.
/// </summary>
internal sealed class EntityIndex(TableSet tables, string logicalName)
{
    private const string TargetColumn = "TargetId";

    public async Task AddAsync(IEnumerable<IndexEntry> entries, string targetId, CancellationToken ct)
    {
        var table = await tables.GetAsync(logicalName, ct).ConfigureAwait(false);
        // Different partitions, so no transaction: the writes go out in parallel.
        await Task.WhenAll(entries.Select(entry => table.UpsertEntityAsync(
            new TableEntity(entry.PartitionKey, entry.RowKey) { [TargetColumn] = targetId }, TableUpdateMode.Replace, ct))).ConfigureAwait(false);
    }

    public async Task RemoveAsync(IEnumerable<IndexEntry> entries, string targetId, CancellationToken ct)
    {
        var table = await tables.GetAsync(logicalName, ct).ConfigureAwait(false);
        // A unique entry may still sit where it was written before it repeated its PartitionKey: remove that one too.
        var all = entries.SelectMany(entry => entry.IsUnique && entry.RowKey.Length > 0 ? [entry, IndexEntry.LegacyUnique(entry.PartitionKey)] : new[] { entry });
        await Task.WhenAll(all.Select(entry => RemoveAsync(table, entry, targetId, ct))).ConfigureAwait(false);
    }

    private static async Task RemoveAsync(TableClient table, IndexEntry entry, string targetId, CancellationToken ct)
    {
        var ifMatch = ETag.All;
        if (entry.IsUnique)
        {
            // A unique entry may have been taken over by another entity since (a client id reused): delete it only if still ours.
            var current = await table.GetEntityIfExistsAsync<TableEntity>(entry.PartitionKey, entry.RowKey, cancellationToken: ct).ConfigureAwait(false);
            if (!current.HasValue || current.Value!.GetString(TargetColumn) != targetId)
                return;
            ifMatch = current.Value.ETag;
        }
        try
        {
            await table.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ifMatch, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e) || TableSet.IsPreconditionFailed(e))
        {
            // already gone, or re-pointed at another entity in between
        }
    }

    /// <summary>Point read of a unique entry.</summary>
    public async Task<string?> FindUniqueAsync(string partitionKey, CancellationToken ct)
    {
        var table = await tables.GetAsync(logicalName, ct).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, partitionKey, [TargetColumn], ct).ConfigureAwait(false);
        if (!row.HasValue)
            row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, "", [TargetColumn], ct).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString(TargetColumn) : null;
    }

    /// <summary>The targets in one index partition, optionally only those under a RowKey prefix (a range query, never a scan).</summary>
    public async IAsyncEnumerable<string> FindAsync(string partitionKey, string? rowKeyPrefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(logicalName, ct).ConfigureAwait(false);
        var filter = rowKeyPrefix is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}")
            // '~' sorts after every character of the base64url prefix alphabet and of our ids.
            : TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix} and RowKey lt {rowKeyPrefix + "~"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: [TargetColumn], cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.GetString(TargetColumn) is { } target)
                yield return target;
        }
    }
}
