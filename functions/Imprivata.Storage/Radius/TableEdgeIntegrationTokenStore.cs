using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// Integration tokens in table "RadiusEdgeTokens", one partition per token hash (a point read per connect). Using one is a
/// conditional replace under the ETag it was read with, so of two connects with the same token exactly one gets through.
/// </summary>
public sealed class TableEdgeIntegrationTokenStore(TableSet tables) : IEdgeIntegrationTokenStore
{
    private const string Table = "RadiusEdgeTokens";
    private const string Row = "token";

    public async Task AddAsync(EdgeIntegrationToken token, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.AddEntityAsync(ToRow(token), ct).ConfigureAwait(false);
    }

    public async Task<EdgeIntegrationToken?> FindAsync(string hash, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(hash) || hash.Length > 128)
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(hash), Row, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row && RadiusJson.Read<EdgeIntegrationToken>(row.GetString("Json")) is { } token
            ? token with { Version = row.ETag.ToString() }
            : null;
    }

    public async Task<bool> TryUseAsync(EdgeIntegrationToken token, string edgeId, DateTimeOffset usedAt, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(token with { UsedAt = usedAt, UsedBy = edgeId }), token.Version, "integration token", ct)
            .ConfigureAwait(false) is not null;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {before}"), ct).ConfigureAwait(false);
    }

    private static TableEntity ToRow(EdgeIntegrationToken t) => new(TableKey.Encode(t.Hash), Row)
    {
        ["ExpiresAt"] = t.ExpiresAt,
        ["Json"] = RadiusJson.Write(t with { Version = null }),
    };
}
