using Azure;
using Azure.Data.Tables;

namespace Imprivata.Storage.Tables;

/// <summary>The optimistic-concurrency write the stores share: replace a row only if nobody changed it since it was read.</summary>
public static class ConditionalReplace
{
    /// <param name="version">The ETag the row was read with; a value never read from the store cannot be updated.</param>
    /// <param name="what">What the row is, for the error when <paramref name="version"/> is missing ("challenge", "token"...).</param>
    /// <returns>The row's new ETag, or null when it was changed or deleted since it was read (the caller re-reads and decides again).</returns>
    public static async Task<string?> TryReplaceAsync(this TableClient table, TableEntity row, string? version, string what, CancellationToken ct)
    {
        if (version is null)
            throw new ArgumentException($"Only a {what} read from the store can be updated.", nameof(version));
        try
        {
            var response = await table.UpdateEntityAsync(row, new ETag(version), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e))
        {
            return null;
        }
    }
}
