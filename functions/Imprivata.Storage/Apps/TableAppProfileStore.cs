using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Apps;
using Imprivata.Storage.Directory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Apps;

/// <summary>App profiles in table "AppProfiles", PK = client id. The Deploy dialog's lists are one JSON property.</summary>
public sealed class TableAppProfileStore(TableSet tables) : IAppProfileStore
{
    private const string Row = "";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AppProfile?> FindAsync(string clientId, CancellationToken ct)
    {
        var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(clientId), Row, cancellationToken: ct).ConfigureAwait(false);
        return entity.HasValue ? ToProfile(entity.Value!) : null;
    }

    public async Task SaveAsync(AppProfile profile, CancellationToken ct)
    {
        var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(FromProfile(profile), TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
        var response = await table.DeleteEntityAsync(TableKey.Encode(clientId), Row, ETag.All, ct).ConfigureAwait(false);
        return response.Status != 404;
    }

    public async IAsyncEnumerable<AppProfile> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return ToProfile(entity);
    }

    private static TableEntity FromProfile(AppProfile p) => new(TableKey.Encode(p.ClientId), Row)
    {
        ["ClientId"] = p.ClientId,
        ["Protocol"] = p.Protocol,
        ["AdminName"] = p.AdminName,
        ["DisplayName"] = p.DisplayName,
        ["CreatedAt"] = p.CreatedAt,
        // A string property holds at most 32K characters; the admin API bounds the lists well below that.
        ["Deployment"] = JsonSerializer.Serialize(p.Deployment, Json),
    };

    private static AppProfile ToProfile(TableEntity e) => new()
    {
        ClientId = e.GetString("ClientId") ?? "",
        Protocol = e.GetString("Protocol") ?? "",
        AdminName = e.GetString("AdminName") ?? "",
        DisplayName = e.GetString("DisplayName") ?? "",
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        // Unreadable deployment data means "not deployed" (fail closed).
        Deployment = ReadDeployment(e.GetString("Deployment")),
    };

    private static AppDeployment ReadDeployment(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return new AppDeployment();
        try
        {
            return JsonSerializer.Deserialize<AppDeployment>(json, Json) ?? new AppDeployment();
        }
        catch (JsonException)
        {
            return new AppDeployment();
        }
    }
}
