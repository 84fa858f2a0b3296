using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>Temporary codes in table "TemporaryCodes", one partition per user, one row each ("code"). Only the keyed hash is stored.</summary>
public sealed class TableTemporaryCodeStore(TableSet tables) : ITemporaryCodeStore
{
    private const string Table = "TemporaryCodes";
    private const string Row = "code";

    public async Task<TemporaryCode?> FindAsync(string userId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(userId), Row, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue && found.Value is { } row ? FromRow(row) : null;
    }

    public async Task<TemporaryCode> SaveAsync(TemporaryCode code, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.UpsertEntityAsync(ToRow(code), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        return code with { Version = response.Headers.ETag?.ToString() };
    }

    public async Task<TemporaryCode?> TryUpdateAsync(TemporaryCode code, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(code), code.Version, "code", ct).ConfigureAwait(false) is { } version
            ? code with { Version = version }
            : null;
    }

    public async IAsyncEnumerable<TemporaryCode> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return FromRow(row);
    }

    private static TableEntity ToRow(TemporaryCode c) => new(TableKey.Encode(c.UserId), Row)
    {
        ["Hash"] = c.Hash,
        ["IssuedAt"] = c.IssuedAt,
        ["ExpiresAt"] = c.ExpiresAt,
        ["IssuedBy"] = c.IssuedBy,
        ["RevokedAt"] = c.RevokedAt,
        ["RevokedBy"] = c.RevokedBy,
        ["LastUsedAt"] = c.LastUsedAt,
        ["UseCount"] = c.UseCount,
    };

    private static TemporaryCode FromRow(TableEntity row) => new()
    {
        UserId = TableKey.Decode(row.PartitionKey),
        Hash = row.GetBinary("Hash") ?? [],
        IssuedAt = row.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        IssuedBy = row.GetString("IssuedBy") ?? "",
        RevokedAt = row.GetDateTimeOffset("RevokedAt"),
        RevokedBy = row.GetString("RevokedBy"),
        LastUsedAt = row.GetDateTimeOffset("LastUsedAt"),
        UseCount = row.GetInt32("UseCount") ?? 0,
        Version = row.ETag.ToString(),
    };
}
