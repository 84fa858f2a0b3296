namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// One row of an index table pointing at an entity. A unique entry (client id, reference id, scope name) has an
/// empty RowKey, so its lookup is a point read; a multi-valued entry has the target's id in its RowKey.
/// </summary>
internal readonly record struct IndexEntry(string PartitionKey, string RowKey)
{
    /// <summary>Shards of a per-client index partition: every token of a busy client would otherwise land in one partition.</summary>
    public const int ClientShards = 8;

    public bool IsUnique => RowKey.Length == 0;

    public static IndexEntry Unique(string kind, string value) => new(Partition(kind, value), "");

    public static IndexEntry Multi(string kind, string value, string targetId) => new(Partition(kind, value), targetId);

    /// <summary>An entry in the partition of <paramref name="value"/>, under the RowKey prefix of <paramref name="group"/>.</summary>
    public static IndexEntry Grouped(string kind, string value, string? group, string targetId) =>
        new(Partition(kind, value), GroupPrefix(group) + targetId);

    public static IndexEntry Sharded(string kind, string value, string targetId) =>
        new(ShardPartition(kind, value, TableKeys.Shard(targetId, ClientShards)), targetId);

    public static string Partition(string kind, string value) => kind + "-" + TableKeys.Hash(value);

    public static string GroupPrefix(string? group) => TableKeys.Hash(group ?? "") + ".";

    public static string ShardPartition(string kind, string value, int shard) => Partition(kind, value) + "-" + shard;

    public static IEnumerable<string> ShardPartitions(string kind, string value) =>
        Enumerable.Range(0, ClientShards).Select(shard => ShardPartition(kind, value, shard));
}
