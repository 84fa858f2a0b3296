using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;
using static OpenIddict.Abstractions.OpenIddictExceptions;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// Create, read, update and delete of one kind of OpenIddict entity with its index entries, under ETag
/// optimistic concurrency: a write based on a stale read fails with <see cref="ConcurrencyException"/>,
/// which is what makes OpenIddict's code redemption and refresh-token rotation single-use.
/// </summary>
internal sealed class EntityTable<T>(TableSet tables, EntityMap<T> map, ILogger logger) where T : class, ITableModel, new()
{
    /// <summary>The most rows a query overload (Func&lt;IQueryable&gt;) may materialise; these serve admin screens, not requests.</summary>
    public const int MaxScannedRows = 10_000;

    public EntityIndex Index { get; } = new(tables, map.IndexTableName);

    public EntityMap<T> Map => map;

    private Task<TableClient> TableAsync(CancellationToken ct) => tables.GetAsync(map.TableName, ct);

    public async Task CreateAsync(T entity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        entity.Id ??= map.NewId(entity);
        if (!TableKeys.IsValidId(entity.Id))
            throw new ArgumentException("The identifier is not a valid Azure Tables key.", nameof(entity));
        var entries = map.IndexEntries(entity).ToArray();
        var row = map.ToRow(entity);

        // Index entries first: once the row is visible, every lookup can reach it.
        await Index.AddAsync(entries, entity.Id, ct).ConfigureAwait(false);
        var table = await TableAsync(ct).ConfigureAwait(false);
        Response response;
        try
        {
            response = await table.AddEntityAsync(row, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            throw new InvalidOperationException($"A {typeof(T).Name} with this identifier already exists.", e);
        }
        entity.ConcurrencyToken = response.Headers.ETag?.ToString();
        map.RememberIndexed(entity, entries);
        map.RememberStored(entity, row);
    }

    public async Task<T?> FindByIdAsync(string identifier, CancellationToken ct)
    {
        if (!TableKeys.IsValidId(identifier))
            return null;
        var table = await TableAsync(ct).ConfigureAwait(false);
        var (partitionKey, rowKey) = map.KeysOf(identifier);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        if (!row.HasValue && map.LegacyKeysOf(identifier) is { } legacy)
            row = await table.GetEntityIfExistsAsync<TableEntity>(legacy.PartitionKey, legacy.RowKey, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? Loaded(row.Value!) : null;
    }

    public async Task UpdateAsync(T entity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!TableKeys.IsValidId(entity.Id) || string.IsNullOrEmpty(entity.ConcurrencyToken))
            throw new ConcurrencyException($"The {typeof(T).Name} was not read from the store, so it cannot be updated.");
        var id = entity.Id!;
        var before = map.IndexedWhenRead(entity) ?? await CurrentEntriesAsync(id, ct).ConfigureAwait(false);
        var after = map.IndexEntries(entity).ToArray();
        var row = map.ToRow(entity);

        await Index.AddAsync(after.Except(before), id, ct).ConfigureAwait(false);
        var table = await TableAsync(ct).ConfigureAwait(false);
        Response response;
        try
        {
            response = map.ChangesOf(entity, row) is { } changes
                ? await table.UpdateEntityAsync(changes, new ETag(entity.ConcurrencyToken), TableUpdateMode.Merge, ct).ConfigureAwait(false)
                : await table.UpdateEntityAsync(row, new ETag(entity.ConcurrencyToken), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e))
        {
            // Someone else changed (or deleted) the row since this entity was read: the caller must re-read and decide again.
            throw new ConcurrencyException($"The {typeof(T).Name} was changed or removed by another request.", e);
        }
        entity.ConcurrencyToken = response.Headers.ETag?.ToString();
        map.RememberIndexed(entity, after);
        map.RememberStored(entity, row);
        await RetireAsync(before.Except(after), id, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(T entity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!TableKeys.IsValidId(entity.Id))
            throw new ConcurrencyException($"The {typeof(T).Name} was not read from the store, so it cannot be deleted.");
        var entries = map.IndexedWhenRead(entity) ?? map.IndexEntries(entity).ToArray();
        var ifMatch = string.IsNullOrEmpty(entity.ConcurrencyToken) ? ETag.All : new ETag(entity.ConcurrencyToken);
        if (!await DeleteRowAsync(map.KeysFor(entity), ifMatch, ct).ConfigureAwait(false))
            throw new ConcurrencyException($"The {typeof(T).Name} was changed or removed by another request.");
        await RetireAsync(entries, entity.Id!, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes a row read by a scan or cascade; false when it changed or vanished since.</summary>
    public async Task<bool> DeleteLoadedAsync(T entity, CancellationToken ct)
    {
        var ifMatch = string.IsNullOrEmpty(entity.ConcurrencyToken) ? ETag.All : new ETag(entity.ConcurrencyToken);
        if (!await DeleteRowAsync(map.KeysFor(entity), ifMatch, ct).ConfigureAwait(false))
            return false;
        await RetireAsync(map.IndexEntries(entity), entity.Id!, ct).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> DeleteRowAsync((string PartitionKey, string RowKey) keys, ETag ifMatch, CancellationToken ct)
    {
        var table = await TableAsync(ct).ConfigureAwait(false);
        try
        {
            var (partitionKey, rowKey) = keys;
            var response = await table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, ct).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Re-reads and changes an entity until the write wins a concurrency race (revocation must not lose to a
    /// concurrent redemption); returns whether the entity existed.
    /// </summary>
    public async Task<bool> ChangeAsync(string id, Func<T, bool> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var entity = await FindByIdAsync(id, ct).ConfigureAwait(false);
            if (entity is null)
                return false;
            if (!change(entity))
                return true;
            try
            {
                await UpdateAsync(entity, ct).ConfigureAwait(false);
                return true;
            }
            catch (ConcurrencyException) when (attempt < 10)
            {
                // lost a race: read again
            }
        }
    }

    /// <summary>Follows a unique index entry (a point read) to its entity, re-checked with <paramref name="matches"/>.</summary>
    public async Task<T?> FindUniqueAsync(string partitionKey, Func<T, bool> matches, CancellationToken ct)
    {
        var id = await Index.FindUniqueAsync(partitionKey, ct).ConfigureAwait(false);
        if (id is null)
            return null;
        var entity = await FindByIdAsync(id, ct).ConfigureAwait(false);
        return entity is not null && matches(entity) ? entity : null;
    }

    /// <summary>Follows the entries of index partitions to their entities, dropping dangling or stale entries.</summary>
    public async IAsyncEnumerable<T> FindManyAsync(IEnumerable<string> partitionKeys, string? rowKeyPrefix, Func<T, bool> matches, [EnumeratorCancellation] CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partitionKey in partitionKeys)
        {
            await foreach (var id in Index.FindAsync(partitionKey, rowKeyPrefix, ct).ConfigureAwait(false))
            {
                if (!seen.Add(id))
                    continue;
                if (await FindByIdAsync(id, ct).ConfigureAwait(false) is { } entity && matches(entity))
                    yield return entity;
            }
        }
    }

    /// <summary>The entities whose rows share one partition (a map that groups rows, see <see cref="EntityMap{T}.KeysOf"/>).</summary>
    public IAsyncEnumerable<T> FindInPartitionAsync(string partitionKey, CancellationToken ct) =>
        ScanAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), null, ct);

    /// <summary>Streams the whole table (optionally filtered server-side): for timers and admin screens only, never a request path.</summary>
    public async IAsyncEnumerable<T> ScanAsync(string? filter, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await TableAsync(ct).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: ct).ConfigureAwait(false))
            yield return Loaded(row, whole: select is null);
    }

    /// <summary>
    /// Materialises the table for OpenIddict's Func&lt;IQueryable&gt; overloads, which are applied in memory. Bounded: these
    /// serve admin-scale listings; a larger table is an error rather than a silent partial answer.
    /// </summary>
    public async Task<IQueryable<T>> QueryableAsync(CancellationToken ct)
    {
        var rows = new List<T>();
        await foreach (var entity in ScanAsync(null, null, ct).ConfigureAwait(false))
        {
            if (rows.Count == MaxScannedRows)
                throw new InvalidOperationException($"More than {MaxScannedRows} {typeof(T).Name} rows: use a keyed lookup instead of a query.");
            rows.Add(entity);
        }
        return rows.AsQueryable();
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        var table = await TableAsync(ct).ConfigureAwait(false);
        long count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: ct).ConfigureAwait(false))
            count++;
        return count;
    }

    private T Loaded(TableEntity row, bool whole = true)
    {
        var entity = map.FromRow(row);
        map.RememberIndexed(entity, map.IndexEntries(entity).ToArray());
        if (whole)
            map.RememberStored(entity, row);
        return entity;
    }

    private async Task<IndexEntry[]> CurrentEntriesAsync(string id, CancellationToken ct) =>
        await FindByIdAsync(id, ct).ConfigureAwait(false) is { } current ? map.IndexEntries(current).ToArray() : [];

    private async Task RetireAsync(IEnumerable<IndexEntry> entries, string id, CancellationToken ct)
    {
        try
        {
            await Index.RemoveAsync(entries, id, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            // The entity change already happened; a leftover entry is harmless because lookups re-check the entity.
            logger.LogWarning(e, "Could not remove stale index entries of {Entity} {Id}", typeof(T).Name, id);
        }
    }
}
