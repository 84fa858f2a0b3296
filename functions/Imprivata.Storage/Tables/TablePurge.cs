using Azure;
using Azure.Data.Tables;

namespace Imprivata.Storage.Tables;

/// <summary>The purge timer's one operation: delete every row a filter matches, reading keys only.</summary>
public static class TablePurge
{
    /// <param name="ifUnchanged">Delete only rows not rewritten since the scan read them (e.g. a code reissued meanwhile stays).</param>
    /// <returns>How many rows this call deleted.</returns>
    public static async Task<int> DeleteMatchingAsync(this TableClient table, string filter, CancellationToken ct, bool ifUnchanged = false)
    {
        var count = 0;
        // A filtered scan, run by the purge timer only, never on a request path.
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
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
