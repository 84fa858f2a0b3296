using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// Push waits in table "RadiusPushWaits": one partition per user, one row per NAS address. A new request reads its row by
/// point read; the push's outcome finds the rows waiting for it with a query inside the user's partition (a user has a row
/// per NAS they used recently, so it stays small). Writes are inserts or ETag-conditional replaces.
/// </summary>
public sealed class TableRadiusPushWaitStore(TableSet tables) : IRadiusPushWaitStore
{
    private const string Table = "RadiusPushWaits";

    public async Task<RadiusPushWait?> FindAsync(string userId, string nasAddress, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(userId), TableKey.Encode(nasAddress), cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row ? FromRow(row) : null;
    }

    public async Task<IReadOnlyList<RadiusPushWait>> FindByChallengeAsync(string userId, string challengeId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var list = new List<RadiusPushWait>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(userId)} and ChallengeId eq {challengeId}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            if (FromRow(row) is { } wait)
                list.Add(wait);
        return list;
    }

    public async Task<RadiusPushWait?> TrySaveAsync(RadiusPushWait wait, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var row = new TableEntity(TableKey.Encode(wait.UserId), TableKey.Encode(wait.NasAddress))
        {
            ["ChallengeId"] = wait.ChallengeId,
            ["UpdatedAt"] = wait.UpdatedAt,
            ["Json"] = RadiusJson.Write(wait with { Version = null }),
        };
        try
        {
            var response = wait.Version is null
                ? await table.AddEntityAsync(row, ct).ConfigureAwait(false)
                : await table.UpdateEntityAsync(row, new ETag(wait.Version), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return wait with { Version = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e) || TableSet.IsConflict(e))
        {
            return null;
        }
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"UpdatedAt lt {before}"), ct, ifUnchanged: true).ConfigureAwait(false);
    }

    private static RadiusPushWait? FromRow(TableEntity row) =>
        RadiusJson.Read<RadiusPushWait>(row.GetString("Json")) is { } wait ? wait with { Version = row.ETag.ToString() } : null;
}
