using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Setup;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Setup;

/// <summary>
/// One row per used setup secret version in the Setup table. Claimed with an insert, which only one writer can win (the
/// table answers 409 to the others), so two concurrent posts of the same secret cannot both create an administrator.
/// </summary>
public sealed class TableSetupClaims(TableSet tables, TimeProvider time) : ISetupClaims
{
    private const string Table = "Setup";
    private const string Partition = "claim";

    public async Task<bool> TryClaimAsync(string version, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition, TableKey.Encode(version)) { ["ClaimedAt"] = time.GetUtcNow() }, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return false;
        }
    }

    public async Task<bool> IsClaimedAsync(string version, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKey.Encode(version), select: ["PartitionKey"], cancellationToken: ct)
            .ConfigureAwait(false);
        return row.HasValue;
    }

    public async Task ReleaseAsync(string version, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.DeleteEntityAsync(Partition, TableKey.Encode(version), ETag.All, ct).ConfigureAwait(false);
    }
}
