using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Eam;
using Imprivata.Storage.Tables;
using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Eam;

/// <summary>"Microsoft External Authentication" app profiles in table "EamProfiles", PK = client id (few rows; read per request).</summary>
public sealed class TableEamProfileStore(TableSet tables) : IEamProfileStore
{
    private const string Table = "EamProfiles";
    private const string Row = "";

    public async Task<EamProfile?> FindAsync(string clientId, CancellationToken ct)
    {
        if (clientId.Length is 0 or > 128)
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(clientId), Row, cancellationToken: ct).ConfigureAwait(false);
        return entity.HasValue ? ToProfile(entity.Value!) : null;
    }

    public async Task SaveAsync(EamProfile profile, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TableKey.Encode(profile.ClientId), Row)
        {
            ["ClientId"] = profile.ClientId,
            ["AdminName"] = profile.AdminName,
            ["DisplayName"] = profile.DisplayName,
            ["TenantIds"] = JsonSerializer.Serialize(profile.TenantIds),
            ["RedirectUris"] = JsonSerializer.Serialize(profile.RedirectUris),
            ["AppId"] = profile.AppId,
            ["MatchByUsername"] = profile.MatchByUsername,
            ["CreatedAt"] = profile.CreatedAt,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.DeleteEntityAsync(TableKey.Encode(clientId), Row, ETag.All, ct).ConfigureAwait(false);
        return response.Status != 404;
    }

    public async IAsyncEnumerable<EamProfile> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return ToProfile(entity);
    }

    private static EamProfile ToProfile(TableEntity e) => new()
    {
        ClientId = e.GetString("ClientId") ?? "",
        AdminName = e.GetString("AdminName") ?? "",
        DisplayName = e.GetString("DisplayName") ?? "",
        // Unreadable lists mean "nothing allowed" (fail closed).
        TenantIds = ReadList(e.GetString("TenantIds")),
        RedirectUris = ReadList(e.GetString("RedirectUris")),
        AppId = e.GetString("AppId") ?? "",
        MatchByUsername = e.GetBoolean("MatchByUsername") ?? false,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
    };

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
