using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Sessions;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Sessions;

/// <summary>Admin sessions in table "AdminSessions"; PK = session key (SHA-256 of the cookie value, hex).</summary>
public sealed class TableAdminSessionStore(TableSet tables) : IAdminSessionStore
{
    public async Task<AdminSession?> FindAsync(string sessionKey, CancellationToken ct)
    {
        var table = await tables.GetAsync("AdminSessions", ct).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(sessionKey, "", cancellationToken: ct).ConfigureAwait(false);
        if (!found.HasValue)
            return null;
        var e = found.Value!;
        return new AdminSession
        {
            UserId = e.GetString("UserId") ?? "",
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
            LastSeenAt = e.GetDateTimeOffset("LastSeenAt") ?? default,
            CsrfToken = e.GetString("CsrfToken") ?? "",
        };
    }

    public async Task SaveAsync(string sessionKey, AdminSession session, CancellationToken ct)
    {
        var table = await tables.GetAsync("AdminSessions", ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(sessionKey, "")
        {
            ["UserId"] = session.UserId,
            ["CreatedAt"] = session.CreatedAt,
            ["LastSeenAt"] = session.LastSeenAt,
            ["CsrfToken"] = session.CsrfToken,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string sessionKey, CancellationToken ct)
    {
        var table = await tables.GetAsync("AdminSessions", ct).ConfigureAwait(false);
        await table.DeleteEntityAsync(sessionKey, "", ETag.All, ct).ConfigureAwait(false);
    }
}
