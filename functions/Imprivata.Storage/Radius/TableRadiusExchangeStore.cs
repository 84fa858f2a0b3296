using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// RADIUS exchanges in table "RadiusExchanges", one partition per exchange key (a digest, so writes spread): the insert
/// decides which copy of a request owns it; later writes are conditional on the ETag read.
/// </summary>
public sealed class TableRadiusExchangeStore(TableSet tables) : IRadiusExchangeStore
{
    private const string Table = "RadiusExchanges";
    private const string Row = "exchange";

    public async Task<RadiusExchange?> TryAddAsync(RadiusExchange exchange, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(ToRow(exchange), ct).ConfigureAwait(false);
            return exchange with { Version = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return null;
        }
    }

    public async Task<RadiusExchange?> FindAsync(string key, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(key), Row, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row && RadiusJson.Read<RadiusExchange>(row.GetString("Json")) is { } exchange
            ? exchange with { Version = row.ETag.ToString() }
            : null;
    }

    public async Task<RadiusExchange?> TryUpdateAsync(RadiusExchange exchange, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(exchange), exchange.Version, "exchange", ct).ConfigureAwait(false) is { } version
            ? exchange with { Version = version }
            : null;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"CreatedAt lt {before}"), ct).ConfigureAwait(false);
    }

    private static TableEntity ToRow(RadiusExchange e) => new(TableKey.Encode(e.Key), Row)
    {
        ["CreatedAt"] = e.CreatedAt,
        ["Json"] = RadiusJson.Write(e with { Version = null }),
    };
}
