using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Eam;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Eam;

/// <summary>Entra user links in table "EntraUserLinks": PK = tenant id, RK = object id (a point read per request).</summary>
public sealed class TableEntraUserLinkStore(TableSet tables) : IEntraUserLinkStore
{
    private const string Table = "EntraUserLinks";

    public async Task<string?> FindUserIdAsync(string tenantId, string objectId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(tenantId), TableKey.Encode(objectId), cancellationToken: ct)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString("UserId") : null;
    }

    public async Task LinkAsync(string tenantId, string objectId, string userId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TableKey.Encode(tenantId), TableKey.Encode(objectId)) { ["UserId"] = userId },
            TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<bool> UnlinkAsync(string tenantId, string objectId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.DeleteEntityAsync(TableKey.Encode(tenantId), TableKey.Encode(objectId), ETag.All, ct).ConfigureAwait(false);
        return response.Status != 404;
    }
}
