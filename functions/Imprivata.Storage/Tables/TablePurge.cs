using Azure;
using Azure.Data.Tables;

namespace Imprivata.Storage.Tables;

/// <summary>The purge timer's one operation: delete every row a filter matches, reading keys only.</summary>
public static class TablePurge
{
    /// <summary>Azure's limit of actions in one entity-group transaction.</summary>
    internal const int MaxBatch = 100;

    /// <param name="ifUnchanged">Delete only rows not rewritten since the scan read them (e.g. a code reissued meanwhile stays).</param>
    /// <returns>How many rows this call deleted.</returns>
    public static async Task<int> DeleteMatchingAsync(this TableClient table, string filter, CancellationToken ct, bool ifUnchanged = false)
    {
        var count = 0;
        var batch = new List<TableEntity>();
        // A filtered scan, run by the purge timer only, never on a request path. Rows come in key order, so rows of one
        // partition (a device's nonces, a user's codes) are neighbours: they go in one transaction of up to 100 deletes,
        // one round trip instead of one each (the purge runs beside sign-ins and RADIUS decisions on the same storage).
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            if (batch.Count > 0 && (batch.Count == MaxBatch || batch[0].PartitionKey != row.PartitionKey))
            {
                count += await DeleteAsync(table, batch, ifUnchanged, ct).ConfigureAwait(false);
                batch.Clear();
            }
            batch.Add(row);
        }
        if (batch.Count > 0)
            count += await DeleteAsync(table, batch, ifUnchanged, ct).ConfigureAwait(false);
        return count;
    }

    private static async Task<int> DeleteAsync(TableClient table, List<TableEntity> rows, bool ifUnchanged, CancellationToken ct)
    {
        if (rows.Count > 1)
        {
            try
            {
                await table.SubmitTransactionAsync(
                    rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ifUnchanged ? r.ETag : ETag.All)), ct).ConfigureAwait(false);
                return rows.Count;
            }
            catch (TableTransactionFailedException)
            {
                // One row was gone or rewritten meanwhile, so nothing was deleted: each is tried alone below.
            }
        }
        var count = 0;
        foreach (var row in rows)
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ifUnchanged ? row.ETag : ETag.All, ct).ConfigureAwait(false);
                count++;
            }
            catch (RequestFailedException e) when (TableSet.IsNotFound(e) || TableSet.IsPreconditionFailed(e))
            {
                // Gone or rewritten meanwhile: leave it.
            }
        }
        return count;
    }
}
