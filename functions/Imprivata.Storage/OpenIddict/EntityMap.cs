using System.Reflection;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// How one OpenIddict entity lives in Azure Tables: its table, its index table and index entries, and its row. By default
/// PartitionKey = Id and an empty RowKey (one entity per partition, so lookups by id are point reads and load spreads); a map
/// may group rows (tokens live in their authorization's partition), as long as the keys can be told from the id alone.
/// Every other public property becomes a column: strings (JSON collections included) and dates.
/// </summary>
internal abstract class EntityMap<T> where T : class, ITableModel, new()
{
    /// <summary>Azure caps a string property at 64 KiB (32K UTF-16 chars): longer values go on in Name_1, Name_2...</summary>
    internal const int ChunkChars = 32_000;

    /// <summary>Azure caps an entity at 1 MiB including keys and property names.</summary>
    internal const int MaxEntityBytes = 1024 * 1024;

    private static readonly PropertyInfo[] Columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name is not (nameof(ITableModel.Id) or nameof(ITableModel.ConcurrencyToken)))
        .ToArray();

    // The index entries each loaded entity had when read, so an update knows which entries it must retire.
    private readonly ConditionalWeakTable<T, IndexEntry[]> _indexed = new();

    public abstract string TableName { get; }
    public abstract string IndexTableName { get; }

    /// <summary>The index entries of an entity whose Id is set.</summary>
    public abstract IEnumerable<IndexEntry> IndexEntries(T entity);

    /// <summary>The id of a new entity (one whose caller did not choose it).</summary>
    public virtual string NewId(T entity) => TableKeys.NewId();

    /// <summary>
    /// Where the row of the entity with this id is. The RowKey repeats the id: Azurite answers a point read or insert by
    /// looking up the RowKey first and scanning every row that shares it, so an empty RowKey made each one a table scan.
    /// </summary>
    public virtual (string PartitionKey, string RowKey) KeysOf(string id) => (id, id);

    /// <summary>Where a row written before <see cref="KeysOf"/> repeated the id lives; read when the current place is empty.</summary>
    public virtual (string PartitionKey, string RowKey)? LegacyKeysOf(string id) => (id, "");

    // Entities read from their legacy place are written back there (and deleted there).
    private readonly ConditionalWeakTable<T, object> _legacy = new();

    public (string PartitionKey, string RowKey) KeysFor(T entity) =>
        _legacy.TryGetValue(entity, out _) && LegacyKeysOf(entity.Id!) is { } legacy ? legacy : KeysOf(entity.Id!);

    /// <summary>The id of the entity a row holds (the inverse of <see cref="KeysOf"/>).</summary>
    public virtual string IdOf(TableEntity row) => row.PartitionKey;

    public IndexEntry[]? IndexedWhenRead(T entity) => _indexed.TryGetValue(entity, out var entries) ? entries : null;

    // Each entity's row as it is in storage (read whole, or written), so an update can send only what changed.
    private readonly ConditionalWeakTable<T, TableEntity> _stored = new();

    public void RememberStored(T entity, TableEntity row) => _stored.AddOrUpdate(entity, row);

    public TableEntity? StoredWhenRead(T entity) => _stored.TryGetValue(entity, out var row) ? row : null;

    /// <summary>
    /// The columns of <paramref name="row"/> that differ from the stored row of <paramref name="entity"/>, as a row to merge;
    /// null when that is unknown or a column must be removed (a merge cannot remove one), which takes a whole replace.
    /// Redeeming a code then sends its status and redemption date instead of the whole encrypted payload again.
    /// </summary>
    public TableEntity? ChangesOf(T entity, TableEntity row)
    {
        if (!_stored.TryGetValue(entity, out var stored) || stored.PartitionKey != row.PartitionKey || stored.RowKey != row.RowKey)
            return null;
        foreach (var name in stored.Keys)
            if (IsColumn(name) && !row.ContainsKey(name))
                return null;
        var changes = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row)
            if (IsColumn(name) && !(stored.TryGetValue(name, out var before) && SameValue(before, value)))
                changes[name] = value;
        return changes;
    }

    private static bool IsColumn(string name) =>
        name is not ("PartitionKey" or "RowKey" or "Timestamp") && !name.Contains("odata", StringComparison.Ordinal);

    private static bool SameValue(object? stored, object? value) => (stored, value) switch
    {
        (DateTime a, DateTimeOffset b) => new DateTimeOffset(a).Equals(b),
        _ => Equals(stored, value),
    };

    public void RememberIndexed(T entity, IndexEntry[] entries) => _indexed.AddOrUpdate(entity, entries);

    public TableEntity ToRow(T entity)
    {
        var (partitionKey, rowKey) = KeysFor(entity);
        var row = new TableEntity(partitionKey, rowKey);
        long size = 4 + (partitionKey.Length * 2 + 2) + (rowKey.Length * 2 + 2);
        foreach (var column in Columns)
        {
            switch (column.GetValue(entity))
            {
                case string text:
                    for (int offset = 0, part = 0; offset < text.Length || part == 0; offset += ChunkChars, part++)
                    {
                        var name = part == 0 ? column.Name : column.Name + "_" + part;
                        var chunk = text.Substring(offset, Math.Min(ChunkChars, text.Length - offset));
                        row[name] = chunk;
                        size += 8 + name.Length * 2 + chunk.Length * 2 + 4;
                    }
                    break;
                case DateTimeOffset date:
                    row[column.Name] = date;
                    size += 8 + column.Name.Length * 2 + 8;
                    break;
            }
        }
        if (size > MaxEntityBytes)
            throw new InvalidOperationException($"The {typeof(T).Name} is about {size} bytes, over the 1 MiB limit of an Azure Tables entity.");
        return row;
    }

    public T FromRow(TableEntity row)
    {
        var entity = new T { Id = IdOf(row), ConcurrencyToken = row.ETag.ToString() };
        if (LegacyKeysOf(entity.Id) is { } legacy && legacy == (row.PartitionKey, row.RowKey) && legacy != KeysOf(entity.Id))
            _legacy.AddOrUpdate(entity, legacy);
        foreach (var column in Columns)
        {
            if (column.PropertyType == typeof(string))
                column.SetValue(entity, ReadChunked(row, column.Name));
            else if (row.TryGetValue(column.Name, out var value) && value is not null)
                column.SetValue(entity, value is DateTimeOffset date ? date : new DateTimeOffset((DateTime)value));
        }
        return entity;
    }

    private static string? ReadChunked(TableEntity row, string name)
    {
        if (row.GetString(name) is not { } first)
            return null;
        if (!row.ContainsKey(name + "_1"))
            return first;
        var text = new System.Text.StringBuilder(first);
        for (var part = 1; row.GetString(name + "_" + part) is { } next; part++)
            text.Append(next);
        return text.ToString();
    }
}
