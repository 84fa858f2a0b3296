using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Core.Radius;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// RADIUS client profiles in table "RadiusClients": one partition, one JSON document per client, keyed by the lower-cased
/// name. Every RADIUS request reads its client, so the list is cached in process for <see cref="CacheLifetime"/> and cleared
/// by every write through this store (another instance's change is seen within that time). The shared secrets are not in
/// the document: they are sealed with <see cref="ISecretProtector"/> (the authenticator secrets' data key) bound to the row,
/// in column "Secrets".
/// </summary>
public sealed class TableRadiusClientStore(TableSet tables, ISecretProtector protector, TimeProvider time) : IRadiusClientStore
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
                list.Add(profile with { Secrets = await OpenSecretsAsync(row, ct).ConfigureAwait(false) });
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
            var rowKey = RowKeyOf(profile.Name);
            var sealedSecrets = await protector.ProtectAsync(JsonSerializer.SerializeToUtf8Bytes(profile.Secrets), ContextOf(rowKey), ct).ConfigureAwait(false);
            var entity = new TableEntity(Partition, rowKey)
            {
                ["Json"] = RadiusJson.Write(profile with { Secrets = [] }),
                ["Secrets"] = sealedSecrets,
            };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
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

    /// <summary>
    /// The row's secrets, or none when they are missing or do not open (another row's column, a lost data key): the edge
    /// then cannot verify the client's requests (fail closed) and the console shows no active secret to rotate from.
    /// </summary>
    private async Task<IReadOnlyList<string>> OpenSecretsAsync(TableEntity row, CancellationToken ct)
    {
        if (row.GetBinary("Secrets") is not { Length: > 0 } sealedSecrets)
            return [];
        try
        {
            var plain = await protector.UnprotectAsync(sealedSecrets, ContextOf(row.RowKey), ct).ConfigureAwait(false);
            return JsonSerializer.Deserialize<string[]>(plain) ?? [];
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return [];
        }
    }

    private static string ContextOf(string rowKey) => "radius-client:" + rowKey;

    private static string RowKeyOf(string name) => TableKey.Encode(name.ToLowerInvariant());
}
