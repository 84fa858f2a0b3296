using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// Connected edges in table "RadiusEdges": one partition, one row per edge keyed by the lower-cased id. The registration
/// (name, credential hash, desired state, revocation) and the last heartbeat are separate columns written by merges, so a
/// heartbeat never undoes a stop the console wrote meanwhile, and a stop never loses a heartbeat.
/// </summary>
public sealed class TableRadiusEdgeStore(TableSet tables) : IRadiusEdgeStore
{
    private const string Table = "RadiusEdges";
    private const string Partition = "edge";

    public async Task<IReadOnlyList<ConnectedEdge>> ListAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var list = new List<ConnectedEdge>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct).ConfigureAwait(false))
            if (FromRow(row) is { } edge)
                list.Add(edge);
        return [.. list.OrderBy(e => e.Id, StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<ConnectedEdge?> FindAsync(string id, CancellationToken ct)
    {
        if (!ConnectedEdge.IsValidId(id))
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKeyOf(id), cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row ? FromRow(row) : null;
    }

    public async Task ConnectAsync(string id, string name, string version, string credentialHash, DateTimeOffset at, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        // A merge: a known edge keeps its desired state and last heartbeat; a new one has none (running).
        await table.UpsertEntityAsync(new TableEntity(Partition, RowKeyOf(id))
        {
            ["Id"] = id,
            ["Name"] = name,
            ["Version"] = version,
            ["CredentialHash"] = credentialHash,
            ["ConnectedAt"] = at,
            ["Revoked"] = false,
        }, TableUpdateMode.Merge, ct).ConfigureAwait(false);
    }

    public Task<bool> SetDesiredStateAsync(string id, EdgeRunState state, CancellationToken ct) =>
        MergeAsync(id, new() { ["DesiredState"] = state.ToString() }, ct);

    public Task<bool> RevokeAsync(string id, CancellationToken ct) => MergeAsync(id, new() { ["Revoked"] = true }, ct);

    public Task<bool> RecordHeartbeatAsync(string id, string version, EdgeHeartbeat heartbeat, CancellationToken ct) =>
        MergeAsync(id, new() { ["Version"] = version, ["Heartbeat"] = RadiusJson.Write(heartbeat) }, ct);

    /// <summary>Merges these columns into an existing row only (ETag *: never creates one).</summary>
    private async Task<bool> MergeAsync(string id, Dictionary<string, object> columns, CancellationToken ct)
    {
        if (!ConnectedEdge.IsValidId(id))
            return false;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(columns) { PartitionKey = Partition, RowKey = RowKeyOf(id) }, ETag.All, TableUpdateMode.Merge, ct)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
            return false;
        }
    }

    private static ConnectedEdge? FromRow(TableEntity row)
    {
        if (row.GetString("Id") is not { } id)
            return null;
        return new ConnectedEdge
        {
            Id = id,
            Name = row.GetString("Name") ?? "",
            Version = row.GetString("Version") ?? "",
            DesiredState = Enum.TryParse<EdgeRunState>(row.GetString("DesiredState"), out var state) ? state : EdgeRunState.Running,
            Revoked = row.GetBoolean("Revoked") ?? false,
            CredentialHash = row.GetString("CredentialHash") ?? "",
            ConnectedAt = row.GetDateTimeOffset("ConnectedAt") ?? default,
            LastHeartbeat = RadiusJson.Read<EdgeHeartbeat>(row.GetString("Heartbeat")),
        };
    }

    private static string RowKeyOf(string id) => TableKey.Encode(id.ToLowerInvariant());
}
