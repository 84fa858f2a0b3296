using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Sessions;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Sessions;

/// <summary>
/// One row per SSO session, partitioned by its random id (point reads on every request that carries the cookie). The RowKey
/// repeats the id: Azurite finds a row by its RowKey first and scans every row sharing it, so the constant RowKey used
/// before ("s", still read) made every session look-up a scan of all sessions.
///
/// A session this instance wrote or read in the last <see cref="RecentLifetime"/> is answered from memory (the authorize
/// right after the sign-in, the next app of the SSO session): an end through this instance is seen at once, an end through
/// another instance within those seconds.
/// </summary>
public sealed class TableSsoSessionStore(TableSet tables, TimeProvider time) : ISsoSessionStore
{
    private const string Table = "SsoSessions";
    private const string LegacyRow = "s";
    internal static readonly TimeSpan RecentLifetime = TimeSpan.FromSeconds(5);

    private readonly ShortLivedCache<string, SsoSession> _recent = new(time, RecentLifetime, 20_000);

    public TableSsoSessionStore(TableSet tables) : this(tables, TimeProvider.System)
    {
    }

    public async Task<SsoSession?> FindAsync(string id, CancellationToken ct)
    {
        if (!IsValidKey(id))
            return null;
        if (_recent.TryGet(id, out var recent))
            return recent;
        var generation = _recent.Generation;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(id, id, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue)
            response = await table.GetEntityIfExistsAsync<TableEntity>(id, LegacyRow, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
            return null;
        var session = ToSession(id, row);
        _recent.Set(id, session, generation);
        return session;
    }

    public async IAsyncEnumerable<SsoSession> ListByUserAsync(string userId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"UserId eq {userId}"), cancellationToken: ct).ConfigureAwait(false))
            if (IsValidKey(row.PartitionKey))
                yield return ToSession(row.PartitionKey, row);
    }

    private static SsoSession ToSession(string id, TableEntity row) => new()
    {
        Id = id,
        UserId = row.GetString("UserId") ?? "",
        AuthenticatedAt = row.GetDateTimeOffset("AuthenticatedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt"),
        Amr = JsonSerializer.Deserialize<string[]>(row.GetString("Amr") ?? "[]") ?? [],
        ClientIds = JsonSerializer.Deserialize<string[]>(row.GetString("ClientIds") ?? "[]") ?? [],
        Sid = row.GetString("Sid") ?? "",
    };

    public async Task SaveAsync(SsoSession session, CancellationToken ct)
    {
        if (!IsValidKey(session.Id))
            throw new ArgumentException("Session id is not a valid key.", nameof(session));
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var entity = new TableEntity(session.Id, session.Id)
        {
            ["UserId"] = session.UserId,
            ["AuthenticatedAt"] = session.AuthenticatedAt,
            ["ExpiresAt"] = session.ExpiresAt,
            // Sessions with automatic logout off still get purged eventually: the purge uses this horizon.
            ["PurgeAfter"] = session.ExpiresAt ?? session.AuthenticatedAt.AddDays(30),
            ["Amr"] = JsonSerializer.Serialize(session.Amr),
            ["ClientIds"] = JsonSerializer.Serialize(session.ClientIds),
            ["Sid"] = session.Sid,
        };
        _recent.Remove(session.Id);
        var generation = _recent.Generation;
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        _recent.Set(session.Id, session, generation);
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        if (!IsValidKey(id))
            return;
        _recent.Remove(id);
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        foreach (var row in new[] { id, LegacyRow })
        {
            try
            {
                await table.DeleteEntityAsync(id, row, ETag.All, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (TableSet.IsNotFound(e))
            {
            }
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"PurgeAfter lt {now}"), ct).ConfigureAwait(false);
    }

    // Session ids are base64url: anything else came from a forged cookie and must not reach the table as a key.
    private static bool IsValidKey(string id) =>
        id.Length is >= 16 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
