using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// RADIUS client profiles in table "RadiusClients": one partition, one JSON document per client, keyed by the lower-cased
/// name. Every RADIUS request reads its client, so the list is cached in process for <see cref="CacheLifetime"/> and cleared
/// by every write through this store (another instance's change is seen within that time).
/// </summary>
public sealed class TableRadiusClientStore(TableSet tables, TimeProvider time) : IRadiusClientStore
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(10);
    private const string Table = "RadiusClients";
    private const string Partition = "client";
    private readonly ShortLivedCache<string, IReadOnlyList<RadiusClientProfile>> _cache = new(time, CacheLifetime, capacity: 2);

    public async Task<IReadOnlyList<RadiusClientProfile>> ListAsync(CancellationToken ct)
    {
        if (_cache.TryGet(Partition, out var cached))
            return cached;
        var generation = _cache.Generation;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var list = new List<RadiusClientProfile>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct).ConfigureAwait(false))
            if (RadiusJson.Read<RadiusClientProfile>(row.GetString("Json")) is { } profile)
                list.Add(profile);
        IReadOnlyList<RadiusClientProfile> sorted = [.. list.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
        _cache.Set(Partition, sorted, generation);
        return sorted;
    }

    public async Task<RadiusClientProfile?> FindAsync(string name, CancellationToken ct) =>
        (await ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public async Task SaveAsync(RadiusClientProfile profile, CancellationToken ct)
    {
        try
        {
            var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
            await table.UpsertEntityAsync(new TableEntity(Partition, RowKeyOf(profile.Name)) { ["Json"] = RadiusJson.Write(profile) },
                TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        finally
        {
            _cache.Clear();
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        try
        {
            var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
            var response = await table.DeleteEntityAsync(Partition, RowKeyOf(name), ETag.All, ct).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
            return false;
        }
        finally
        {
            _cache.Clear();
        }
    }

    private static string RowKeyOf(string name) => TableKey.Encode(name.ToLowerInvariant());
}
