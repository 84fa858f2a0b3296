namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// One row of an index table pointing at an entity. A unique entry (client id, reference id, scope name) has an
/// empty RowKey, so its lookup is a point read; a multi-valued entry has the target's id in its RowKey.
/// </summary>
internal readonly record struct IndexEntry(string PartitionKey, string RowKey)
{
    public bool IsUnique => RowKey.Length == 0;

    public static IndexEntry Unique(string kind, string value) => new(Partition(kind, value), "");

    public static IndexEntry Multi(string kind, string value, string targetId) => new(Partition(kind, value), targetId);

    public static string Partition(string kind, string value) => kind + "-" + TableKeys.Hash(value);
}
