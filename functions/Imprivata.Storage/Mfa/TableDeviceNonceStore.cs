using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Push;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>Device request nonces, one partition per device; an insert that conflicts is a replay (works across instances).</summary>
public sealed class TableDeviceNonceStore(TableSet tables) : IDeviceNonceStore
{
    private const string Table = "PushDeviceNonces";

    public async Task<bool> TryUseAsync(string enrollmentId, string nonce, DateTimeOffset forgetAfter, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKey.Encode(enrollmentId), TableKey.Encode(nonce)) { ["ForgetAfter"] = forgetAfter }, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return false;
        }
    }

    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ForgetAfter lt {now}"), ct).ConfigureAwait(false);
    }
}
