using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Eam;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Eam;

/// <summary>
/// Requests from Entra in progress (table "EamRequests", PK = random id) and used request keys (table "EamUsed", PK = the
/// key's digest, inserted once). Both are point operations; the purge timer removes expired rows.
/// </summary>
public sealed class TableEamRequestStore(TableSet tables) : IEamRequestStore
{
    private const string Requests = "EamRequests";
    private const string Used = "EamUsed";
    private const string Row = "r";

    public async Task SaveAsync(EamRequest request, CancellationToken ct)
    {
        var table = await tables.GetAsync(Requests, ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TableKey.Encode(request.Id), Row)
        {
            ["ClientId"] = request.ClientId,
            ["RedirectUri"] = request.RedirectUri,
            ["State"] = request.State,
            ["Nonce"] = request.Nonce,
            ["Subject"] = request.Subject,
            ["TenantId"] = request.TenantId,
            ["ObjectId"] = request.ObjectId,
            ["UserId"] = request.UserId,
            ["Acr"] = JsonSerializer.Serialize(request.Claims.Acr),
            ["Amr"] = JsonSerializer.Serialize(request.Claims.Amr),
            ["CreatedAt"] = request.CreatedAt,
            ["ExpiresAt"] = request.ExpiresAt,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<EamRequest?> FindAsync(string id, CancellationToken ct)
    {
        if (id.Length is < 16 or > 128)
            return null;
        var table = await tables.GetAsync(Requests, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(id), Row, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } e)
            return null;
        return new EamRequest
        {
            Id = id,
            ClientId = e.GetString("ClientId") ?? "",
            RedirectUri = e.GetString("RedirectUri") ?? "",
            State = e.GetString("State"),
            Nonce = e.GetString("Nonce") ?? "",
            Subject = e.GetString("Subject") ?? "",
            TenantId = e.GetString("TenantId") ?? "",
            ObjectId = e.GetString("ObjectId") ?? "",
            UserId = e.GetString("UserId") ?? "",
            Claims = new EamClaimsRequest(ReadList(e.GetString("Acr")), ReadList(e.GetString("Amr"))),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            ExpiresAt = e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        };
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        var table = await tables.GetAsync(Requests, ct).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(TableKey.Encode(id), Row, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
        }
    }

    public async Task<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var table = await tables.GetAsync(Used, ct).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKey.Encode(key), Row) { ["ExpiresAt"] = expiresAt }, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return false;
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        var requests = await (await tables.GetAsync(Requests, ct).ConfigureAwait(false)).DeleteMatchingAsync(filter, ct).ConfigureAwait(false);
        var used = await (await tables.GetAsync(Used, ct).ConfigureAwait(false)).DeleteMatchingAsync(filter, ct).ConfigureAwait(false);
        return requests + used;
    }

    private static IReadOnlyList<string> ReadList(string? json)
    {
        try
        {
            return string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
