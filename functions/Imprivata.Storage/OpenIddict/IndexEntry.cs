namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// One row of an index table pointing at an entity. A unique entry (client id, reference id, scope name) repeats its
/// PartitionKey as RowKey, so its lookup is a point read (an empty RowKey, as written before, made it a scan in Azurite:
/// see <see cref="EntityMap{T}.KeysOf"/>; those are still read); a multi-valued entry has the target's id in its RowKey.
/// </summary>
internal readonly record struct IndexEntry(string PartitionKey, string RowKey)
{
    public bool IsUnique => RowKey.Length == 0 || RowKey == PartitionKey;

    public static IndexEntry Unique(string kind, string value)
    {
        var partition = Partition(kind, value);
        return new(partition, partition);
    }

    /// <summary>Where <see cref="Unique"/> put the entry before it repeated the PartitionKey.</summary>
    public static IndexEntry LegacyUnique(string partitionKey) => new(partitionKey, "");

    public static IndexEntry Multi(string kind, string value, string targetId) => new(Partition(kind, value), targetId);

    public static string Partition(string kind, string value) => kind + "-" + TableKeys.Hash(value);
}
