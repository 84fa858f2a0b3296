using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Apps;
using Imprivata.Storage.Caching;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Apps;

/// <summary>
/// App profiles in table "AppProfiles", PK = client id. The Deploy dialog's lists are one JSON property.
/// FindAsync (every authorize) is served from a short-lived in-process cache cleared by every write through this store; a
/// change made on another instance (e.g. an app undeployed) shows here after at most <see cref="CacheLifetime"/>.
/// </summary>
public sealed class TableAppProfileStore(TableSet tables, TimeProvider time) : IAppProfileStore
{
    /// <summary>How stale a cached profile may be when another instance changed it.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    internal const int CacheCapacity = 1_000;

    private const string Row = "";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    // Profiles are immutable records, so the cached instance itself can be handed out.
    private readonly ShortLivedCache<string, AppProfile> _cache = new(time, CacheLifetime, CacheCapacity);

    public async Task<AppProfile?> FindAsync(string clientId, CancellationToken ct)
    {
        if (_cache.TryGet(clientId, out var cached))
            return cached;
        var generation = _cache.Generation;
        var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(clientId), Row, cancellationToken: ct).ConfigureAwait(false);
        if (!entity.HasValue)
            return null;
        var profile = ToProfile(entity.Value!);
        _cache.Set(clientId, profile, generation);
        return profile;
    }

    public async Task SaveAsync(AppProfile profile, CancellationToken ct)
    {
        try
        {
            var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
            await table.UpsertEntityAsync(FromProfile(profile), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        finally
        {
            _cache.Clear();
        }
    }

    public async Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        try
        {
            var table = await tables.GetAsync("AppProfiles", ct).ConfigureAwait(false);
            var response = await table.DeleteEntityAsync(TableKey.Encode(clientId), Row, ETag.All, ct).ConfigureAwait(false);
            return response.Status != 404;
        }
        finally
        {
            _cache.Clear();
        }
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
        ["BackchannelLogoutUri"] = p.BackchannelLogoutUri?.ToString(),
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
        BackchannelLogoutUri = Uri.TryCreate(e.GetString("BackchannelLogoutUri"), UriKind.Absolute, out var logout) ? logout : null,
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
