using Azure.Data.Tables;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Radius;

/// <summary>
/// Access-Challenge States in table "RadiusChallenges", one partition per State digest (a point read per answer). Using one
/// is a conditional replace, so of two answers carrying the same State exactly one gets through.
/// </summary>
public sealed class TableRadiusChallengeStore(TableSet tables) : IRadiusChallengeStore
{
    private const string Table = "RadiusChallenges";
    private const string Row = "state";

    public async Task AddAsync(RadiusChallenge challenge, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.AddEntityAsync(ToRow(challenge), ct).ConfigureAwait(false);
    }

    public async Task<RadiusChallenge?> FindAsync(string id, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 128)
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(id), Row, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row && RadiusJson.Read<RadiusChallenge>(row.GetString("Json")) is { } challenge
            ? challenge with { Version = row.ETag.ToString() }
            : null;
    }

    public async Task<bool> TryUseAsync(RadiusChallenge challenge, DateTimeOffset usedAt, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(challenge with { UsedAt = usedAt }), challenge.Version, "challenge state", ct).ConfigureAwait(false) is not null;
    }

    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), ct).ConfigureAwait(false);
    }

    private static TableEntity ToRow(RadiusChallenge c) => new(TableKey.Encode(c.Id), Row)
    {
        ["ExpiresAt"] = c.ExpiresAt,
        ["Json"] = RadiusJson.Write(c with { Version = null }),
    };
}
