using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Radius;

/// <summary>
/// The integration ID in table "Settings" (row "radius-integration"): the first instance to need it inserts a fresh one;
/// an instance that loses that race reads the winner's. It never changes, so it is kept in process once read.
/// </summary>
public sealed class TableEdgeIntegrationId(TableSet tables) : IEdgeIntegrationId
{
    private const string Table = "Settings";
    private const string Key = "radius-integration";
    private string? _id;

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_id is { } known)
            return known;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Key, "", cancellationToken: ct).ConfigureAwait(false);
        if (found.HasValue && found.Value!.GetString("IntegrationId") is { Length: > 0 } stored)
            return _id = stored;
        var fresh = Guid.NewGuid().ToString("D");
        try
        {
            await table.AddEntityAsync(new TableEntity(Key, "") { ["IntegrationId"] = fresh }, ct).ConfigureAwait(false);
            return _id = fresh;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            var winner = await table.GetEntityAsync<TableEntity>(Key, "", cancellationToken: ct).ConfigureAwait(false);
            return _id = winner.Value.GetString("IntegrationId");
        }
    }
}
